using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>The second round of probes: a request in each upstream's own protocol, to those that accepted a connection.</summary>
public static class ProtocolProbes
{
    /// <summary>A request in its protocol (HTTP, uwsgi, SCGI, HTTP/2 for gRPC) to every such upstream whose connect succeeded, all at once.</summary>
    public static async Task<IReadOnlyList<HttpProbeResult>> HttpAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> probes, TimeSpan timeout, string? healthPath, string? configDir, CancellationToken ct, Vantage? from = null)
    {
        var connected = probes.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var tasks = inventory.Targets
            .Where(t => t.Sites[0].Directive is "proxy_pass" or "uwsgi_pass" or "scgi_pass" or "grpc_pass" && connected.Contains(t.Address.Text))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t => (Target: t, Plan: Core.Analysis.HttpRequestPlan.For(t, t.Sites[0], healthPath)))
            .Select(x => x.Target.Sites[0].Directive switch
            {
                "uwsgi_pass" => UwsgiProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
                "scgi_pass" => ScgiProbe.RunAsync(x.Target, x.Plan, timeout, ct, from),
                "grpc_pass" => GrpcProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
                _ => HttpProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
            });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>A FastCGI request to every fastcgi_pass upstream whose connect succeeded: the pool's status page (json), else its ping, else a minimal request.</summary>
    public static async Task<IReadOnlyList<FastCgiProbeResult>> FastCgiAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> probes, IReadOnlyList<FpmInstance> phpFpm, TimeSpan timeout, CancellationToken ct, Vantage? from = null)
    {
        var connected = probes.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var tasks = inventory.Targets
            .Where(t => t.Sites[0].Directive == "fastcgi_pass" && connected.Contains(t.Address.Text))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t =>
            {
                var pool = phpFpm.Select(f => f.PoolAt(t.Address.Text)).FirstOrDefault(p => p is not null);
                return pool?.Get("pm.status_path") is { } status ? FastCgiProbe.RunAsync(t, status, "json", timeout, ct, from)
                    : pool?.Get("ping.path") is { } ping ? FastCgiProbe.RunAsync(t, ping, "", timeout, ct, from)
                    : FastCgiProbe.RunAsync(t, "/ngxdoctor-probe.php", "", timeout, ct, from);
            });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
