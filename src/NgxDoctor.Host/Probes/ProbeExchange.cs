using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>What came back for a request: the bytes (up to the cap), whether the reply was complete, and the timings.</summary>
public sealed record ProbeReply(byte[] Bytes, bool Complete, double ConnectMs, double FirstByteMs);

/// <summary>
/// One request/reply with an upstream, TLS first for https:// and grpcs://: connect, send, read until the reply is
/// complete (by the protocol's rule), closed, or capped, all within the timeout. The protocol probes build on it.
/// </summary>
public static class ProbeExchange
{
    public const int MaxReplyBytes = 64 * 1024;

    /// <summary>Runs the exchange; <paramref name="completeAt"/> says where a reply ends (negative: not yet).</summary>
    public static async Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, string request, byte[] payload, Func<ReadOnlyMemory<byte>, int> completeAt,
        Func<ProbeReply, HttpProbeResult> describe, TimeSpan timeout, CancellationToken ct, string? configDir = null, SslApplicationProtocol? alpn = null, Vantage? from = null)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        double connectMs = 0;
        Func<bool> certificateAsked = () => false;
        try
        {
            using var socket = await UpstreamConnection.ConnectAsync(target.Address, cts.Token, from).ConfigureAwait(false);
            connectMs = clock.Elapsed.TotalMilliseconds;
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            string? certificate = null;
            if (target.Protocol is "https" or "grpcs" or "suwsgi")
            {
                var (tls, failure, cert, asked) = await TlsHandshake.RunAsync(stream, plan, target, request, connectMs, timeout, configDir, alpn, cts.Token, ct).ConfigureAwait(false);
                certificateAsked = asked;
                if (failure is not null)
                {
                    return asked() && plan.Tls is { ClientCertificate: false }
                        ? failure with { Detail = $"{failure.Detail}; the backend asked for a client certificate and nginx has none to give", ClientCertificateAsked = true }
                        : await TlsRetry.ExplainAsync(failure, target, plan, alpn, cts.Token, from).ConfigureAwait(false);
                }

                stream = tls!;
                certificate = cert;
            }

            await stream.WriteAsync(payload, cts.Token).ConfigureAwait(false);
            var reply = await ReadAsync(stream, clock, completeAt, cts.Token).ConfigureAwait(false);
            var result = describe(reply with { ConnectMs = connectMs });
            return certificate is null ? result : result with { Detail = $"{result.Detail}; {certificate}" };
        }
        catch (OperationCanceledException)
        {
            return new HttpProbeResult(target.Address.Text, request, HttpProbeResult.NoResponse, null, 0, connectMs, 0, $"no complete reply within {timeout.TotalSeconds:0.#} s")
            {
                WaitedMs = timeout.TotalMilliseconds,
            };
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // TLS 1.3: the server checks the client's certificate after the handshake ends, so its refusal arrives on the first read.
            return certificateAsked() && plan.Tls is { ClientCertificate: false }
                ? new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Tls, null, 0, connectMs, 0, $"the backend asked for a client certificate and nginx has none to give ({SafeText.Escape(e.Message, 200)})") { ClientCertificateAsked = true }
                : new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Failed, null, 0, connectMs, 0, SafeText.Escape(e.Message, 200));
        }
    }

    /// <summary>Where an HTTP header block ends ("\r\n\r\n" included), or -1.</summary>
    public static int HeaderEnd(ReadOnlyMemory<byte> bytes)
    {
        var end = bytes.Span.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    private static async Task<ProbeReply> ReadAsync(Stream stream, Stopwatch clock, Func<ReadOnlyMemory<byte>, int> completeAt, CancellationToken ct)
    {
        // Grown as the reply comes: thousands of probes run at once, and most replies are a few hundred bytes.
        var buffer = new byte[4096];
        var length = 0;
        double firstByte = 0;
        while (length < MaxReplyBytes)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 4, MaxReplyBytes));
            }

            var n = await SocketErrors.ReadOrResetAsync(stream, buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            firstByte = firstByte == 0 ? clock.Elapsed.TotalMilliseconds : firstByte;
            length += n;
            if (completeAt(buffer.AsMemory(0, length)) is var end and >= 0)
            {
                return new ProbeReply(buffer[..end], true, 0, firstByte);
            }
        }

        return new ProbeReply(buffer[..length], false, 0, firstByte);
    }
}
