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
            .Select(x => Task.Run(() => x.Target.Sites[0].Directive switch
            {
                "uwsgi_pass" => UwsgiProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
                "scgi_pass" => ScgiProbe.RunAsync(x.Target, x.Plan, timeout, ct, from),
                "grpc_pass" => GrpcProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
                _ => HttpProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir, from),
            }));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>
    /// A FastCGI request to every fastcgi_pass upstream whose connect succeeded: the pool's status page (json), else its
    /// ping, else a minimal request. A pool with pm.status_listen answers its status there, from a pool of its own that
    /// saturation does not reach: asked also when the upstream's own connect found it full (busy, timed out).
    /// </summary>
    public static async Task<IReadOnlyList<FastCgiProbeResult>> FastCgiAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> probes, IReadOnlyList<FpmInstance> phpFpm, TimeSpan timeout, CancellationToken ct, Vantage? from = null)
    {
        var connected = probes.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var full = probes.Where(p => p.Outcome is ProbeOutcome.Connected or ProbeOutcome.Busy or ProbeOutcome.TimedOut).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var tasks = inventory.Targets
            .Where(t => t.Sites[0].Directive == "fastcgi_pass" && full.Contains(t.Address.Text))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t => (Target: t, Pool: phpFpm.Select(f => f.PoolAt(t.Address.Text)).FirstOrDefault(p => p is not null)))
            .Select(x => x.Pool?.Get("pm.status_path") is { } status && StatusListen(x.Pool.Get("pm.status_listen")) is { } side
                    ? StatusThroughAsync(x.Target, side, status, timeout, ct, from)
                : !connected.Contains(x.Target.Address.Text) ? null
                : x.Pool?.Get("pm.status_path") is { } path ? FastCgiProbe.RunAsync(x.Target, path, "json", timeout, ct, from)
                : x.Pool?.Get("ping.path") is { } ping ? FastCgiProbe.RunAsync(x.Target, ping, "", timeout, ct, from)
                : FastCgiProbe.RunAsync(x.Target, "/ngxdoctor-probe.php", "", timeout, ct, from))
            .OfType<Task<FastCgiProbeResult>>();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>pm.status_listen as an address: "/run/status.sock", "127.0.0.1:9001", or a bare port (every address: loopback's).</summary>
    public static UpstreamAddress? StatusListen(string? value) =>
        value is null or "" ? null
        : value.StartsWith('/') ? UpstreamAddress.Parse("unix:" + value, null)
        : value.All(char.IsAsciiDigit) ? UpstreamAddress.Parse("127.0.0.1:" + value, null)
        : UpstreamAddress.Parse(value, null);

    private static async Task<FastCgiProbeResult> StatusThroughAsync(UpstreamTarget target, UpstreamAddress side, string status, TimeSpan timeout, CancellationToken ct, Vantage? from)
    {
        var r = await FastCgiProbe.RunAsync(target with { Address = side }, status, "json", timeout, ct, from).ConfigureAwait(false);
        return r with { Target = target.Address.Text, Detail = $"{r.Detail} (through pm.status_listen {side.Text})" };
    }
}
