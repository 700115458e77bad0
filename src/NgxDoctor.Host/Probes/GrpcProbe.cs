using System.Net.Security;
using System.Text;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// grpc_pass speaks HTTP/2 (with prior knowledge on grpc://, ALPN h2 on grpcs://): the probe sends the client preface
/// and an empty SETTINGS frame, and expects the server's first frame to be SETTINGS.
/// </summary>
public static class GrpcProbe
{
    private static readonly byte[] Preface = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];

    public static Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default, string? configDir = null, Vantage? from = null)
    {
        const string request = "HTTP/2 preface + SETTINGS";
        return ProbeExchange.RunAsync(target, plan, request, Preface, bytes => bytes.Length >= 9 ? 9 : -1, reply => Describe(target, request, reply),
            timeout, ct, configDir, SslApplicationProtocol.Http2, from);
    }

    private static HttpProbeResult Describe(UpstreamTarget target, string request, ProbeReply reply)
    {
        var b = reply.Bytes;
        if (b.Length == 0)
        {
            return new(target.Address.Text, request, HttpProbeResult.Closed, null, 0, reply.ConnectMs, reply.FirstByteMs, "the backend closed the connection without answering");
        }

        if (b.Length >= 9 && b[3] == 4 && (b[4] & 1) == 0)
        {
            return new(target.Address.Text, request, HttpProbeResult.Ok, null, b.Length, reply.ConnectMs, reply.FirstByteMs, "HTTP/2 SETTINGS received");
        }

        var start = SafeText.Escape(Encoding.UTF8.GetString(b, 0, Math.Min(b.Length, 40)), 60);
        var why = b.AsSpan().StartsWith("HTTP/1"u8) ? "it answers HTTP/1.x, not HTTP/2 (grpc_pass needs an HTTP/2 backend)" : $"the answer is not HTTP/2: \"{start}\"";
        return new(target.Address.Text, request, HttpProbeResult.NotHttp, null, b.Length, reply.ConnectMs, reply.FirstByteMs, why);
    }
}
