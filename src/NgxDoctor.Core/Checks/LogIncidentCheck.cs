using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>What a check fed by the logs is: a row of <see cref="LogIncidentChecks"/>.</summary>
/// <param name="Name">Its name as a check type would have it (the registry orders checks by it).</param>
public sealed record LogCheckRow(
    string Name,
    string Id,
    string Title,
    Cause Cause,
    IReadOnlyList<Logs.FailureKind> Kinds,
    Func<string, IReadOnlyList<LogIncident>, int, string> Describe,
    Func<DiagnosisFacts, UpstreamTarget?, IReadOnlyList<LogIncident>, Remedy> Remedy)
{
    /// <summary>Evidence beside the log lines (the settings in force, the pool's, the kernel's OOM kills).</summary>
    public Func<DiagnosisFacts, UpstreamTarget?, IReadOnlyList<LogIncident>, IEnumerable<Evidence>> Extra { get; init; } = (_, _, _) => [];

    /// <summary>The incidents to look at; null when the log that has them was not read.</summary>
    public Func<LogFacts, IEnumerable<LogIncident>?> Source { get; init; } = logs => logs.Incidents;

    /// <summary>A title that the facts say more precisely than <see cref="Describe"/> (a proxy loop for exhausted connections); null keeps it.</summary>
    public Func<DiagnosisFacts, string, IReadOnlyList<LogIncident>, int, string?> Retitle { get; init; } = (_, _, _, _) => null;

    /// <summary>Which log feeds it, as named in "not checked" notes.</summary>
    public Fact Log { get; init; } = Fact.ErrorLog;
}

/// <summary>
/// A check fed by the logs: incidents of some kinds, one finding per upstream, critical while they go on, a warning
/// about the past once they stopped (<see cref="LogFacts.Quiet"/> before the facts).
/// </summary>
public sealed class LogIncidentCheck(LogCheckRow row) : ICheck
{
    public string Id => row.Id;

    public string Title => row.Title;


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [row.Cause];

    public string Name => row.Name;

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Logs is not { } logs || row.Source(logs) is not { } source)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected(row.Log) ?? row.Log.Absent());
        }

        var findings = new List<Finding>();
        foreach (var group in source.Where(i => row.Kinds.Contains(i.Kind)).GroupBy(i => i.Upstream))
        {
            var incidents = group.ToList();
            var stopped = LogEvidence.HasStopped(logs, incidents);
            var target = group.Key is null ? null : facts.Inventory.Targets.FirstOrDefault(t => t.Address.Text == group.Key || t.Group == group.Key);
            var evidence = target is null ? [] : DeadTargets.ConfigEvidence(target);
            evidence.AddRange(row.Extra(facts, target, incidents));
            evidence.AddRange(LogEvidence.For(incidents));
            if (target is not null && facts.ProbeFor(target) is { } probe)
            {
                // A probe that connected (or was not made) reproduced nothing: it stands beside the log, never as "reproduced now".
                evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe) { Absence = probe.Outcome is ProbeOutcome.Connected or ProbeOutcome.Skipped });
            }

            var count = incidents.Sum(i => i.Count);
            var what = row.Retitle(facts, group.Key ?? "an upstream", incidents, count) ?? row.Describe(group.Key ?? "an upstream", incidents, count);
            // Failures that ended before a verified fix are history: shown, neither a warning nor anything to fix again.
            var history = logs.BeforeChange(incidents);
            var title = history ? $"{what}; none since {LogEvidence.Time(incidents.Max(i => i.LastSeen))}, before {logs.Change ?? "a change"} at {LogEvidence.Time(logs.ChangedAt!.Value)}"
                : stopped ? $"{what}; none since {LogEvidence.Time(incidents.Max(i => i.LastSeen))}{LogEvidence.ReloadedSince(facts, incidents)}" : what;
            var severity = history ? Severity.Info : stopped ? Severity.Warning : Severity.Critical;
            findings.Add(new Finding(row.Cause, severity, group.Key, title, evidence, row.Remedy(facts, target, incidents))
            {
                Check = Id,
                Failures = incidents.Select(i => i.Kind).Distinct().ToList(),
            });
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>A setting in force where requests reach this target, e.g. "proxy_read_timeout 60s (nginx's default)".</summary>
    public static IEnumerable<Evidence> Settings(UpstreamTarget? target, string suffix) =>
        target?.Sites.Select(s => s.Setting(suffix)).OfType<EffectiveSetting>().DistinctBy(s => (s.Name, s.Value, s.Pos))
            .Select(s => new Evidence(EvidenceKind.Config, s.Pos?.ToString() ?? "default", $"{s.Name} {s.Value}{(s.IsDefault ? " (nginx's default)" : "")}")) ?? [];
}
