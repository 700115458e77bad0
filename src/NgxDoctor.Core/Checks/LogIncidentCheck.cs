using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// The shape of a check fed by the error log: incidents of some kinds, one finding per upstream, critical while
/// they go on, a warning about the past once they stopped (<see cref="LogFacts.Quiet"/> before the facts).
/// </summary>
public abstract class LogIncidentCheck : ICheck
{
    public abstract string Id { get; }

    public abstract string Title { get; }

    public IReadOnlyList<Fact> Needs => [];

    protected abstract Cause Cause { get; }

    protected abstract IReadOnlyList<Logs.FailureKind> Kinds { get; }

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Logs is not { } logs || Source(logs) is not { } source)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected(LogFact) ?? LogFact.Absent());
        }

        var findings = new List<Finding>();
        foreach (var group in source.Where(i => Kinds.Contains(i.Kind)).GroupBy(i => i.Upstream))
        {
            var incidents = group.ToList();
            var stopped = LogEvidence.HasStopped(logs, incidents);
            var target = group.Key is null ? null : facts.Inventory.Targets.FirstOrDefault(t => t.Address.Text == group.Key || t.Group == group.Key);
            var evidence = target is null ? [] : DeadTargets.ConfigEvidence(target);
            evidence.AddRange(ExtraEvidence(facts, target, incidents));
            evidence.AddRange(LogEvidence.For(incidents));
            if (target is not null && facts.ProbeFor(target) is { } probe)
            {
                evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
            }

            var count = incidents.Sum(i => i.Count);
            var what = Describe(group.Key ?? "an upstream", incidents, count);
            var title = stopped
                ? $"{what}; none since {LogEvidence.Time(incidents.Max(i => i.LastSeen))}"
                : what;
            findings.Add(new Finding(Cause, stopped ? Severity.Warning : Severity.Critical, group.Key, title, evidence, Remedy(facts, target, incidents)) { Check = Id });
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>Which log feeds it, as named in "not checked" notes.</summary>
    protected virtual Fact LogFact => Fact.ErrorLog;

    /// <summary>The incidents to look at; null when the log that has them was not read.</summary>
    protected virtual IEnumerable<LogIncident>? Source(LogFacts logs) => logs.Incidents;

    protected abstract string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count);

    protected abstract Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents);

    protected virtual IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) => [];

    /// <summary>A setting in force where requests reach this target, e.g. "proxy_read_timeout 60s (nginx's default)".</summary>
    protected static IEnumerable<Evidence> Settings(UpstreamTarget? target, string suffix) =>
        target?.Sites.Select(s => s.Setting(suffix)).OfType<EffectiveSetting>().DistinctBy(s => (s.Name, s.Value, s.Pos))
            .Select(s => new Evidence(EvidenceKind.Config, s.Pos?.ToString() ?? "default", $"{s.Name} {s.Value}{(s.IsDefault ? " (nginx's default)" : "")}")) ?? [];
}
