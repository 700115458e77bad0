using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// For each fastcgi_pass upstream whose log says "upstream sent too big header", one logged GET or HEAD sent again
/// as nginx would send it (<see cref="FastCgiReplayPlan"/>), to measure the header that did not fit. A request that
/// cannot be rebuilt is a result saying why, never a guess.
/// </summary>
public static class FastCgiReplays
{
    public static async Task<IReadOnlyList<FastCgiProbeResult>> ForOversizeHeadersAsync(NginxConfig config, UpstreamInventory inventory, LogFacts? logs, string? prefix, TimeSpan timeout, CancellationToken ct, Vantage? from = null)
    {
        var incidents = (logs?.Incidents ?? []).Where(i => i.Kind == FailureKind.HeaderTooBig && i.Upstream is not null).ToList();
        var runs = inventory.Targets.Where(t => t.Sites.Any(s => s.Directive == "fastcgi_pass"))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t => (Target: t, Samples: incidents.Where(i => i.Upstream == t.Address.Text || (t.Group is not null && i.Upstream == t.Group)).SelectMany(i => i.Samples).ToList()))
            .Where(x => x.Samples.Count > 0)
            .Select(x => RunAsync(config, x.Target, x.Samples, prefix, timeout, ct, from));
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private static Task<FastCgiProbeResult> RunAsync(NginxConfig config, UpstreamTarget target, IReadOnlyList<LogSample> samples, string? prefix, TimeSpan timeout, CancellationToken ct, Vantage? from)
    {
        var why = "no logged line names its request";
        foreach (var logged in samples.Select(s => LoggedRequest.In(s.Text)).OfType<LoggedRequest>())
        {
            if (FastCgiReplayPlan.For(config, target, logged, prefix, out why) is { } replay)
            {
                return FastCgiProbe.ReplayAsync(target, replay, timeout, ct, from);
            }
        }

        return Task.FromResult(new FastCgiProbeResult(target.Address.Text, "", FastCgiProbeResult.NotSent, null, 0, why, null));
    }
}
