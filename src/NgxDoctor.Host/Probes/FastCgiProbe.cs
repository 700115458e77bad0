using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// A FastCGI client written from the FastCGI 1.0 spec: BEGIN_REQUEST (responder), PARAMS, empty STDIN, then STDOUT/
/// STDERR records until END_REQUEST, with caps on record sizes, total output and time.
/// </summary>
public static class FastCgiProbe
{
    public const int MaxOutputBytes = 1 << 20;
    private const byte BeginRequest = 1;
    private const byte EndRequest = 3;
    private const byte Params = 4;
    private const byte Stdin = 5;
    private const byte Stdout = 6;
    private const byte Stderr = 7;

    /// <summary>Asks for <paramref name="scriptName"/> (a status or ping path is matched on SCRIPT_NAME by PHP-FPM).</summary>
    public static Task<FastCgiProbeResult> RunAsync(UpstreamTarget target, string scriptName, string query, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        KeyValuePair<string, string>[] pairs =
        [
            new("SCRIPT_NAME", scriptName), new("SCRIPT_FILENAME", scriptName), new("REQUEST_METHOD", "GET"), new("QUERY_STRING", query),
            new("SERVER_PROTOCOL", "HTTP/1.0"), new("GATEWAY_INTERFACE", "CGI/1.1"), new("REQUEST_URI", scriptName),
        ];
        return ExchangeAsync(target, query.Length == 0 ? scriptName : $"{scriptName}?{query}", pairs, timeout, ct, from);
    }

    /// <summary>Sends a logged request again with the params nginx would send for it, and measures the response header.</summary>
    public static async Task<FastCgiProbeResult> ReplayAsync(UpstreamTarget target, FastCgiReplay replay, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null) =>
        await ExchangeAsync(target, replay.Request, replay.Params, timeout, ct, from).ConfigureAwait(false) with { Location = replay.Location };

    private static async Task<FastCgiProbeResult> ExchangeAsync(UpstreamTarget target, string request, IReadOnlyList<KeyValuePair<string, string>> pairs, TimeSpan timeout, CancellationToken ct, Vantage? from)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await UpstreamConnection.ConnectAsync(target.Address, cts.Token, from).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Request(pairs), cts.Token).ConfigureAwait(false);
            var (stdout, stderr, ended) = await ReadAsync(stream, cts.Token).ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (!ended)
            {
                return new(target.Address.Text, request, FastCgiProbeResult.NotFastCgi, null, elapsed, "the reply ended without FastCGI's END_REQUEST", null);
            }

            var text = Encoding.UTF8.GetString(stdout);
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = split < 0 ? text : text[..split];
            var body = split < 0 ? "" : text[(split + 4)..];
            var status = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Status:", StringComparison.OrdinalIgnoreCase)) is { } line
                && int.TryParse(line[7..].Trim().Split(' ')[0], out var st) ? st : 200;
            var headerBytes = split < 0 ? 0 : Encoding.UTF8.GetByteCount(text.AsSpan(0, split + 4));
            var detail = $"status {status}" + (headerBytes > 0 ? $", a {headerBytes}-byte header" : "") + (stderr.Length > 0 ? $", stderr \"{SafeText.Escape(Encoding.UTF8.GetString(stderr), 200)}\"" : "") + (body.Trim() == "pong" ? ", pong" : "");
            return new(target.Address.Text, request, FastCgiProbeResult.Ok, status, elapsed, detail, ParseStatus(body)) { HeaderBytes = headerBytes };
        }
        catch (OperationCanceledException)
        {
            return new(target.Address.Text, request, FastCgiProbeResult.NoResponse, null, clock.Elapsed.TotalMilliseconds, $"connected, but no reply within {timeout.TotalSeconds:0.#} s (no free child?)", null);
        }
        catch (InvalidDataException e)
        {
            return new(target.Address.Text, request, FastCgiProbeResult.NotFastCgi, null, clock.Elapsed.TotalMilliseconds, e.Message, null);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return new(target.Address.Text, request, FastCgiProbeResult.Failed, null, clock.Elapsed.TotalMilliseconds, SafeText.Escape(e.Message, 200), null);
        }
    }

    /// <summary>PHP-FPM's status page, in its JSON (`?json`) or its plain text form; null for any other body.</summary>
    public static FpmStatus? ParseStatus(string body)
    {
        return body.TrimStart().StartsWith('{') ? ParseJson(body) : body.StartsWith("pool:", StringComparison.Ordinal) ? ParseText(body) : null;
    }

    private static FpmStatus ParseText(string text)
    {
        var fields = text.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
        int N(string name) => fields.TryGetValue(name, out var v) && int.TryParse(v, out var i) ? i : 0;
        return new FpmStatus(fields.GetValueOrDefault("pool", ""), N("listen queue"), N("listen queue len"), N("idle processes"),
            N("active processes"), N("total processes"), N("max children reached"), N("slow requests"));
    }

    private static FpmStatus? ParseJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            int N(string name) => r.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
            return new FpmStatus(r.TryGetProperty("pool", out var p) ? p.GetString() ?? "" : "", N("listen queue"), N("listen queue len"), N("idle processes"),
                N("active processes"), N("total processes"), N("max children reached"), N("slow requests"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Request(IReadOnlyList<KeyValuePair<string, string>> pairList)
    {
        var ms = new MemoryStream();
        Record(ms, BeginRequest, [0, 1, 0, 0, 0, 0, 0, 0]);
        var pairs = new MemoryStream();
        foreach (var (name, value) in pairList)
        {
            Length(pairs, Encoding.UTF8.GetByteCount(name));
            Length(pairs, Encoding.UTF8.GetByteCount(value));
            pairs.Write(Encoding.UTF8.GetBytes(name));
            pairs.Write(Encoding.UTF8.GetBytes(value));
        }

        // One PARAMS record holds at most 65535 bytes; a long logged URI spreads over several.
        var all = pairs.ToArray();
        for (var at = 0; at < all.Length; at += 65535)
        {
            Record(ms, Params, all[at..Math.Min(all.Length, at + 65535)]);
        }

        Record(ms, Params, []);
        Record(ms, Stdin, []);
        return ms.ToArray();
    }

    private static void Length(Stream s, int n)
    {
        if (n < 128)
        {
            s.WriteByte((byte)n);
            return;
        }

        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)n | 0x80000000);
        s.Write(b);
    }

    private static void Record(Stream s, byte type, byte[] content)
    {
        Span<byte> header = [1, type, 0, 1, (byte)(content.Length >> 8), (byte)content.Length, 0, 0];
        s.Write(header);
        s.Write(content);
    }

    private static async Task<(byte[] Stdout, byte[] Stderr, bool Ended)> ReadAsync(Stream stream, CancellationToken ct)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var header = new byte[8];
        var content = new byte[1024]; // grown to the largest record seen (at most 65,535 + 255 bytes)
        while (stdout.Length + stderr.Length < MaxOutputBytes)
        {
            if (!await ReadExactlyAsync(stream, header, ct).ConfigureAwait(false))
            {
                return (stdout.ToArray(), stderr.ToArray(), false);
            }

            if (header[0] != 1)
            {
                throw new InvalidDataException($"not FastCGI: the reply starts with \"{SafeText.Escape(Encoding.ASCII.GetString(header), 16)}\"");
            }

            var length = (header[4] << 8) | header[5];
            var padding = header[6];
            if (content.Length < length + padding)
            {
                content = new byte[length + padding];
            }

            if (!await ReadExactlyAsync(stream, content.AsMemory(0, length + padding), ct).ConfigureAwait(false))
            {
                return (stdout.ToArray(), stderr.ToArray(), false);
            }

            switch (header[1])
            {
                case Stdout:
                    stdout.Write(content, 0, length);
                    break;
                case Stderr:
                    stderr.Write(content, 0, length);
                    break;
                case EndRequest:
                    return (stdout.ToArray(), stderr.ToArray(), true);
            }
        }

        throw new InvalidDataException($"the reply is larger than {MaxOutputBytes} bytes");
    }

    private static async Task<bool> ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await SocketErrors.ReadOrResetAsync(stream, buffer[read..], ct).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
