using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>"no live upstreams": every server of a group is marked failed (max_fails/fail_timeout), nginx answers 502 at once.</summary>
public sealed class NoLiveUpstreamsCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.NoLiveUpstreams.Code();

    public override string Title => "Upstream groups keep a live server";

    protected override Cause Cause => Diagnosis.Cause.NoLiveUpstreams;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.NoLiveUpstreams];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"Every server of upstream {upstream} was marked failed: {count} request(s) got 502 without a try";

    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var servers = facts.Inventory.Targets.Where(t => t.Group is not null && t.Group == target?.Group).Select(t => t.Address.Text).ToHashSet();
        return Analysis.LogEvidence.For(facts.Logs!.Incidents.Where(i => i.Kind == Logs.FailureKind.ServerDisabled && i.Upstream is not null && servers.Contains(i.Upstream)));
    }

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        new("This follows from the servers' own failures (see the findings before it). Once they work again nginx retries each after fail_timeout (default 10s); a reload clears the failure state at once.", ["nginx -s reload"]);
}
