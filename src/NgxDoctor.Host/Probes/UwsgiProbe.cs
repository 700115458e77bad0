using System.Buffers.Binary;
using System.Text;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// A uwsgi request as nginx's uwsgi_pass sends it (packet header: modifier1 0, little-endian size, modifier2 0; then
/// length-prefixed CGI variables); a uWSGI backend answers with an HTTP response.
/// </summary>
public static class UwsgiProbe
{
    public static Task<HttpProbeResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan timeout, CancellationToken ct = default, string? configDir = null, Vantage? from = null)
    {
        var request = $"uwsgi GET {plan.Path}";
        var vars = new MemoryStream();
        foreach (var (name, value) in Variables(plan))
        {
            Put(vars, name);
            Put(vars, value);
        }

        var packet = new byte[4 + vars.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(1), (ushort)vars.Length);
        vars.ToArray().CopyTo(packet, 4);
        return ProbeExchange.RunAsync(target, plan, request, packet, ProbeExchange.HeaderEnd, reply => HttpProbe.Describe(target, request, reply), timeout, ct, configDir, from: from);
    }

    public static IEnumerable<(string, string)> Variables(HttpRequestPlan plan) =>
    [
        ("REQUEST_METHOD", "GET"), ("REQUEST_URI", plan.Path), ("PATH_INFO", plan.Path.Split('?')[0]), ("QUERY_STRING", ""),
        ("SERVER_PROTOCOL", "HTTP/1.0"), ("SERVER_NAME", plan.Host), ("SERVER_PORT", "80"), ("HTTP_HOST", plan.Host), ("CONTENT_LENGTH", "0"),
    ];

    private static void Put(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)bytes.Length);
        s.Write(length);
        s.Write(bytes);
    }
}
