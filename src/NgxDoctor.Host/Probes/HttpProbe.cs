using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Sends the request nginx would send (GET, the location's path, its Host header, HTTP/1.0, Connection: close) and
/// reads the response header only, capped at 64 KiB, within the timeout. Says whether the answer is HTTP at all.
/// </summary>
public static class HttpProbe
{
    public const int MaxHeaderBytes = 64 * 1024;

    public static async Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default)
    {
        var request = $"GET {plan.Path} HTTP/1.0";
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        double connectMs = 0;
        try
        {
            using var socket = await UpstreamConnection.ConnectAsync(target.Address, cts.Token).ConfigureAwait(false);
            connectMs = clock.Elapsed.TotalMilliseconds;
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (target.Protocol == "https")
            {
                var tls = new SslStream(stream, false, (_, _, _, _) => true);
                try
                {
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = plan.Host.Split(':')[0] }, cts.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    return new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Tls, null, 0, connectMs, 0, $"TLS handshake failed ({SafeText.Escape(e.Message, 200)}): is this port plain HTTP behind https://?");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // A plain HTTP server waits for a request line that a ClientHello never ends: no answer at all.
                    return new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Tls, null, 0, connectMs, 0, $"TLS handshake failed (no answer within {timeout.TotalSeconds:0.#} s): is this port plain HTTP behind https://?");
                }

                stream = tls;
            }

            var bytes = Encoding.ASCII.GetBytes($"{request}\r\nHost: {plan.Host}\r\nConnection: close\r\nUser-Agent: ngxdoctor\r\n\r\n");
            await stream.WriteAsync(bytes, cts.Token).ConfigureAwait(false);
            var (header, complete, firstByteMs) = await ReadHeaderAsync(stream, clock, cts.Token).ConfigureAwait(false);
            return Describe(target, request, header, complete, connectMs, firstByteMs);
        }
        catch (OperationCanceledException)
        {
            return new HttpProbeResult(target.Address.Text, request, HttpProbeResult.NoResponse, null, 0, connectMs, 0, $"no complete response header within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Failed, null, 0, connectMs, 0, SafeText.Escape(e.Message, 200));
        }
    }

    private static async Task<(byte[] Header, bool Complete, double FirstByteMs)> ReadHeaderAsync(Stream stream, Stopwatch clock, CancellationToken ct)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        double firstByte = 0;
        while (length < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            firstByte = firstByte == 0 ? clock.Elapsed.TotalMilliseconds : firstByte;
            length += n;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (buffer[..(end + 4)], true, firstByte);
            }
        }

        return (buffer[..length], false, firstByte);
    }

    private static HttpProbeResult Describe(UpstreamTarget target, string request, byte[] header, bool complete, double connectMs, double firstByteMs)
    {
        if (header.Length > 0 && header[0] is 0x15 or 0x16 && target.Protocol == "http")
        {
            return new(target.Address.Text, request, HttpProbeResult.Tls, null, header.Length, connectMs, firstByteMs, "the port answers with TLS: use https:// in proxy_pass");
        }

        if (header.Length == 0)
        {
            return new(target.Address.Text, request, HttpProbeResult.Closed, null, 0, connectMs, firstByteMs, "the backend closed the connection without answering");
        }

        if (header.Length < 12 || !header.AsSpan().StartsWith("HTTP/"u8) || !int.TryParse(Encoding.ASCII.GetString(header, 9, 3), out var status))
        {
            var start = SafeText.Escape(Encoding.UTF8.GetString(header, 0, Math.Min(header.Length, 60)), 80);
            return new(target.Address.Text, request, HttpProbeResult.NotHttp, null, header.Length, connectMs, firstByteMs,
                $"the answer is not HTTP: \"{start}\"");
        }

        return complete
            ? new(target.Address.Text, request, HttpProbeResult.Ok, status, header.Length, connectMs, firstByteMs, $"HTTP {status}, header {header.Length} bytes")
            : new(target.Address.Text, request, HttpProbeResult.Ok, status, header.Length, connectMs, firstByteMs, $"HTTP {status}, header over {header.Length} bytes (not finished within the {MaxHeaderBytes}-byte cap)");
    }
}
