using System.Text;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// An SCGI request as scgi_pass sends it (a netstring of NUL-separated headers, CONTENT_LENGTH first, then SCGI 1);
/// the backend answers with CGI headers ("Status: 200 OK") or an HTTP status line.
/// </summary>
public static class ScgiProbe
{
    public static Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        var request = $"scgi GET {plan.Path}";
        var headers = new StringBuilder("CONTENT_LENGTH\u00000\u0000SCGI\u00001\u0000");
        foreach (var (name, value) in UwsgiProbe.Variables(plan).Where(v => v.Item1 != "CONTENT_LENGTH"))
        {
            headers.Append(name).Append('\0').Append(value).Append('\0');
        }

        var body = Encoding.UTF8.GetBytes(headers.ToString());
        var payload = Encoding.ASCII.GetBytes($"{body.Length}:").Concat(body).Append((byte)',').ToArray();
        return ProbeExchange.RunAsync(target, plan, request, payload, ProbeExchange.HeaderEnd, reply => Describe(target, request, reply), timeout, ct, from: from);
    }

    private static HttpProbeResult Describe(UpstreamTarget target, string request, ProbeReply reply)
    {
        if (reply.Bytes.AsSpan().StartsWith("HTTP/"u8))
        {
            return HttpProbe.Describe(target, request, reply);
        }

        var text = Encoding.UTF8.GetString(reply.Bytes);
        var cgi = text.Split("\r\n").TakeWhile(l => l.Length > 0).ToList();
        if (reply.Bytes.Length == 0)
        {
            return new(target.Address.Text, request, HttpProbeResult.Closed, null, 0, reply.ConnectMs, reply.FirstByteMs, "the backend closed the connection without answering");
        }

        if (cgi.Count == 0 || !cgi.All(l => l.Contains(':', StringComparison.Ordinal)))
        {
            return new(target.Address.Text, request, HttpProbeResult.NotHttp, null, reply.Bytes.Length, reply.ConnectMs, reply.FirstByteMs,
                $"the answer is not SCGI/CGI headers: \"{SafeText.Escape(text[..Math.Min(text.Length, 60)], 80)}\"");
        }

        var status = cgi.FirstOrDefault(l => l.StartsWith("Status:", StringComparison.OrdinalIgnoreCase)) is { } s && int.TryParse(s[7..].Trim().Split(' ')[0], out var st) ? st : 200;
        return new(target.Address.Text, request, HttpProbeResult.Ok, status, reply.Bytes.Length, reply.ConnectMs, reply.FirstByteMs, $"status {status}, header {reply.Bytes.Length} bytes");
    }
}
