using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// dns-stale and no-live-upstreams: nginx holds a state the world has left (an old address; servers marked failed).
/// A reload resolves names again and forgets failure state; it is offered only when the upstream answers now.
/// </summary>
public abstract class ReloadFixer : IFixer
{
    public abstract Cause Cause { get; }

    protected abstract string Why { get; }

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        var targets = facts.Inventory.Targets.Where(t => t.Address.Text == finding.Upstream || t.Group == finding.Upstream).ToList();
        if (facts.Instance is null)
        {
            return FixAction.None(finding, "nginx is not running: nothing to reload");
        }

        // A variable pass has no address of its own: what counts is where nginx's resolver points now.
        var now = facts.Dns is null ? [] : VariableHosts.Find(facts.Inventory).Where(v => targets.Contains(v.Target)).SelectMany(v => VariableHosts.AddressesNow(facts.Dns, v)).ToHashSet(StringComparer.Ordinal);
        if (!targets.Any(t => facts.ProbeFor(t)?.Outcome == ProbeOutcome.Connected) && !(facts.Probes ?? []).Any(p => now.Contains(p.Target) && p.Outcome == ProbeOutcome.Connected))
        {
            return FixAction.None(finding, "the upstream does not accept connections now: fix the findings before this one first");
        }

        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"reload nginx ({Why})", [], ["reload nginx"], targets.Count > 0 ? FixContext.Verify(finding, targets[0].Sites[0]) : null) { ReloadNginx = true };
    }
}

public sealed class DnsStaleFixer : ReloadFixer
{
    public override Cause Cause => Diagnosis.Cause.DnsStale;

    protected override string Why => "resolves upstream names again; to follow DNS for good use `resolver` and a variable in proxy_pass";
}

public sealed class NoLiveUpstreamsFixer : ReloadFixer
{
    public override Cause Cause => Diagnosis.Cause.NoLiveUpstreams;

    protected override string Why => "workers forget the failure state of the group's servers";
}
