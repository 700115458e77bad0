using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
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

    public static async Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default, string? configDir = null)
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
            string? certificate = null;
            if (target.Protocol == "https")
            {
                var (tls, failure, cert) = await HandshakeAsync(stream, plan, target, request, connectMs, timeout, configDir, cts.Token, ct).ConfigureAwait(false);
                if (failure is not null)
                {
                    return failure;
                }

                stream = tls!;
                certificate = cert;
            }

            var bytes = Encoding.ASCII.GetBytes($"{request}\r\nHost: {plan.Host}\r\nConnection: close\r\nUser-Agent: ngxdoctor\r\n\r\n");
            await stream.WriteAsync(bytes, cts.Token).ConfigureAwait(false);
            var (header, complete, firstByteMs) = await ReadHeaderAsync(stream, clock, cts.Token).ConfigureAwait(false);
            var result = Describe(target, request, header, complete, connectMs, firstByteMs);
            return certificate is null ? result : result with { Detail = $"{result.Detail}; {certificate}" };
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

    /// <summary>The handshake with nginx's SNI; when nginx verifies (proxy_ssl_verify on), the verdict it would reach.</summary>
    private static async Task<(SslStream? Tls, HttpProbeResult? Failure, string? Certificate)> HandshakeAsync(Stream stream, HttpRequestPlan plan, UpstreamTarget target, string request,
        double connectMs, TimeSpan timeout, string? configDir, CancellationToken token, CancellationToken outer)
    {
        var tlsPlan = plan.Tls ?? new TlsPlan(null, plan.Host.Split(':')[0], false, null, null);
        X509Certificate2? cert = null;
        var sent = new X509Certificate2Collection();
        var tls = new SslStream(stream, false, (_, c, chain, _) =>
        {
            cert = c is null ? null : new X509Certificate2(c);
            sent.AddRange(chain?.ChainPolicy.ExtraStore ?? []);
            return true;
        });
        HttpProbeResult Fail(string why) => new(target.Address.Text, request, HttpProbeResult.Tls, null, 0, connectMs, 0, why);
        try
        {
            // No SNI unless proxy_ssl_server_name on, as nginx does (an empty target host sends none).
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = tlsPlan.ServerName ?? "" }, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            return (null, Fail($"TLS handshake failed ({SafeText.Escape(e.Message, 200)}): is this port plain HTTP behind https://?"), null);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);

            // A plain HTTP server waits for a request line that a ClientHello never ends: no answer at all.
            return (null, Fail($"TLS handshake failed (no answer within {timeout.TotalSeconds:0.#} s): is this port plain HTTP behind https://?"), null);
        }

        if (cert is null)
        {
            return (tls, null, null);
        }

        var described = TlsVerifier.Describe(cert);
        if (tlsPlan.Verify && TlsVerifier.Problem(cert, sent, tlsPlan, configDir, DateTime.UtcNow) is { } problem)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var how = tlsPlan.ServerName is null ? "without SNI" : $"SNI {tlsPlan.ServerName}";
            return (null, new HttpProbeResult(target.Address.Text, request, HttpProbeResult.TlsVerify, null, 0, connectMs, 0,
                $"nginx verifies the certificate for {tlsPlan.VerifyName} ({how}) and would refuse it: {problem} ({described})"), null);
        }

        return (tls, null, described);
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
