using System.Text;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Sends the request nginx would send (GET, the location's path, its Host header, HTTP/1.0, Connection: close) and
/// reads the response header only, capped at 64 KiB, within the timeout. Says whether the answer is HTTP at all.
/// </summary>
public static class HttpProbe
{
    public const int MaxHeaderBytes = ProbeExchange.MaxReplyBytes;

    public static Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default, string? configDir = null, Vantage? from = null)
    {
        var request = $"GET {plan.Path} HTTP/1.0";
        var payload = Encoding.ASCII.GetBytes($"{request}\r\nHost: {plan.Host}\r\nConnection: close\r\nUser-Agent: ngxdoctor\r\n\r\n");
        return ProbeExchange.RunAsync(target, plan, request, payload, ProbeExchange.HeaderEnd, reply => Describe(target, request, reply), timeout, ct, configDir, from: from);
    }

    /// <summary>What an HTTP response header says (also for uwsgi, whose backends answer with HTTP).</summary>
    public static HttpProbeResult Describe(UpstreamTarget target, string request, ProbeReply reply)
    {
        var (header, complete, connectMs, firstByteMs) = (reply.Bytes, reply.Complete, reply.ConnectMs, reply.FirstByteMs);
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
            var protocol = Core.Analysis.ForeignProtocol.Of(header);
            var bytes = Convert.ToHexString(header, 0, Math.Min(header.Length, 24)).ToLowerInvariant();
            return new(target.Address.Text, request, HttpProbeResult.NotHttp, null, header.Length, connectMs, firstByteMs,
                protocol is null ? $"the answer is not HTTP: \"{start}\"" : $"the answer is {Core.Analysis.ForeignProtocol.Describe(protocol)}, not HTTP/1.x: first bytes {bytes}")
            {
                Protocol = protocol,
            };
        }

        var framing = Core.Analysis.ResponseFraming.Problem(header);
        return (complete
            ? new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Ok, status, header.Length, connectMs, firstByteMs, $"HTTP {status}, header {header.Length} bytes{(framing is null ? "" : ", " + framing)}")
            : new HttpProbeResult(target.Address.Text, request, HttpProbeResult.Ok, status, header.Length, connectMs, firstByteMs, $"HTTP {status}, header over {header.Length} bytes (not finished within the {MaxHeaderBytes}-byte cap)"))
            with { Framing = framing };
    }
}
