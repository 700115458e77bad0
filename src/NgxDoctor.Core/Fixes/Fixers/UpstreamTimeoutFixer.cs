using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// upstream-timeout: raise the read timeout (proxy_, fastcgi_, uwsgi_, scgi_, grpc_) in the location that serves the
/// slow requests to the latency observed (the probe's time to first byte, else the p99 of $upstream_response_time
/// when it is above the timeout), times 1.5, capped at 300 s. Without an observation longer than the timeout, no fix.
/// </summary>
public sealed class UpstreamTimeoutFixer : IFixer
{
    public const double CapSeconds = 300;

    public Cause Cause => Diagnosis.Cause.UpstreamTimeout;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (FixContext.Target(facts, finding) is not { } target || target.Sites.Count == 0)
        {
            return FixAction.None(finding, "the upstream is not in the configuration");
        }

        var site = target.Sites[0];
        var module = FixContext.Module(site);
        var setting = site.Setting("_read_timeout");
        var current = setting is not null && ConfigValues.TryParseTime(setting.Value, out var t) ? t.TotalSeconds : 60;
        var probe = facts.HttpProbes?.FirstOrDefault(p => p.Target == target.Address.Text && p.Outcome == HttpProbeResult.Ok)?.FirstByteMs / 1000;
        var p99 = facts.Logs?.Access?.Upstreams.FirstOrDefault(u => u.Upstream == target.Address.Text)?.P99;
        var observed = new[] { probe, p99 > current * 1.05 ? p99 : null }.Max();
        if (observed is not { } seconds || seconds <= 0)
        {
            return FixAction.None(finding, $"no latency was observed beyond {module}_read_timeout {current.ToString(CultureInfo.InvariantCulture)}s (add $upstream_response_time to the access log's format, so the backend's real latency is known before any timeout is raised)");
        }

        if (seconds * 1.5 > CapSeconds)
        {
            return FixAction.None(finding, $"the backend took {seconds:0.#} s: past the {CapSeconds} s cap, a longer timeout is not the fix");
        }

        var value = (int)Math.Ceiling(Math.Max(seconds * 1.5, current + 1));
        var backend = BackendTimeouts.For(facts, target) is { } b && b.Value.TotalSeconds < value
            ? $"; also raise the backend's own {b.Setting} ({b.Value.TotalSeconds:0.#}s, {b.Source}) above {value}s, or it ends those requests first"
            : "";
        var edit = FixContext.SetInLocation(config, site, $"{module}_read_timeout", $"{value}s",
            $"the backend answered in {seconds:0.###} s ({(probe is not null ? "probe" : "p99 of $upstream_response_time")}); {current.ToString(CultureInfo.InvariantCulture)}s is too short");
        return edit is null
            ? FixAction.None(finding, "the slow site is not inside a location block")
            : new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"raise {module}_read_timeout to {value}s in location {site.Location}{backend}", [edit], [], FixContext.Verify(finding, site)) { ReloadNginx = true };
    }
}
