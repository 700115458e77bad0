using System.Diagnostics;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.RequestPath;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>Runs every check over the facts, keeps what could not run, ranks the findings and sets the status.</summary>
public static class DiagnosisEngine
{
    public static DiagnosisReport Diagnose(DiagnosisFacts facts, IReadOnlyList<ICheck>? checks = null)
    {
        var findings = new List<Finding>();
        var skipped = facts.NotCollected.Select(n => new SkippedCheck(n.What.Code(), n.Reason)).ToList();
        var runs = new List<CheckRun>();
        var all = checks ?? CheckRegistry.All;
        foreach (var check in all.Where(c => c is not IAccountingCheck))
        {
            findings.AddRange(Record(check, facts, null, skipped, runs));
        }

        // What the findings explain of the failures nginx logged; then the checks that report what is left.
        var (accounted, left) = FailureLedger.Account(facts, FindingRoots.Apply(Rank(findings), facts));
        var rooted = accounted.ToList();
        foreach (var check in all.OfType<IAccountingCheck>())
        {
            foreach (var f in Record(check, facts, left, skipped, runs))
            {
                rooted.Insert(rooted.FindLastIndex(r => r.Severity >= f.Severity) + 1, f);
            }
        }

        var ranked = InstanceVantage.Apply(PeerEvidence.Apply(FindingRelations.Apply(ContainerRoots.Apply(rooted, facts), facts), facts), facts);
        var order = all.Select((c, i) => (c.Id, i)).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().i);
        runs = runs.OrderBy(r => order[r.Id]).ToList();
        var context = new ReportContext(
            facts.ConfigFile,
            facts.Instance?.MasterPid,
            facts.Worker?.User,
            facts.Inventory.Targets.Count,
            facts.CollectedAt.ToString("O"),
            facts.Hostname);
        return new DiagnosisReport(StatusOf(ranked, runs), ranked, skipped, runs, context) { Failures = Tally(facts, ranked) };
    }

    /// <summary>Runs one check, noting how it went; its findings carry its id.</summary>
    private static IEnumerable<Finding> Record(ICheck check, DiagnosisFacts facts, IReadOnlyList<LogIncident>? unexplained, List<SkippedCheck> skipped, List<CheckRun> runs)
    {
        var clock = Stopwatch.StartNew();
        var outcome = Run(check, facts, unexplained);
        if (outcome.Status != CheckStatus.Ran)
        {
            var prefix = outcome.Status == CheckStatus.Crashed ? "check crashed: " : "";
            skipped.Add(new SkippedCheck(check.Id, prefix + outcome.Reason));
        }

        runs.Add(new CheckRun(check.Id, check.Title, outcome.Status, outcome.Findings.Count, clock.Elapsed.TotalMilliseconds, outcome.Reason) { AnsweredBy = outcome.AnsweredBy });
        return outcome.Findings.Select(f => f with { Check = check.Id });
    }

    /// <summary>The window's failing requests against what the findings explain (the unexplained-failures finding holds the rest).</summary>
    private static FailureTally? Tally(DiagnosisFacts facts, IReadOnlyList<Finding> ranked)
    {
        if (facts.Logs is not { } logs)
        {
            return null;
        }

        var unexplained = ranked.Where(f => f.Cause == Cause.UnexplainedFailures).Sum(f => f.Observed?.Failures ?? 0);
        var explained = ranked.Where(f => f.Cause != Cause.UnexplainedFailures).Sum(f => f.Observed?.Failures ?? 0);
        return new FailureTally(FailureLedger.Observed(logs).Sum(i => i.Count), explained, unexplained);
    }

    /// <summary>A check whose needed facts were not gathered is skipped with the collectors' reason; one that throws has crashed.</summary>
    private static CheckOutcome Run(ICheck check, DiagnosisFacts facts, IReadOnlyList<LogIncident>? unexplained)
    {
        if (check.Needs.Select(facts.Gap).FirstOrDefault(g => g is not null) is { } gap)
        {
            return CheckOutcome.Skip(gap);
        }

        try
        {
            return unexplained is not null && check is IAccountingCheck accounting ? accounting.Run(facts, unexplained) : check.Run(facts);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckOutcome(CheckStatus.Crashed, [], $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Worst first; among equals, the cause that explains more (config before DNS before a dead backend...), then config order.</summary>
    public static IReadOnlyList<Finding> Rank(IEnumerable<Finding> findings) => Merge(findings)
        .OrderByDescending(f => f.Severity)
        .ThenBy(f => f.Cause.Rank())
        .ThenBy(f => f.Evidence.FirstOrDefault()?.Source ?? "", StringComparer.Ordinal)
        .ToList();

    private static readonly HashSet<string> LogFed = Checks.LogIncidentChecks.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>One finding per cause and upstream: what a probe and a log say of the same failure is one problem with both as evidence.</summary>
    private static IEnumerable<Finding> Merge(IEnumerable<Finding> findings) => findings
        .Select((f, i) => (Finding: f, Key: (f.Cause, f.Upstream ?? $"#{i}")))
        .GroupBy(x => x.Key, x => x.Finding)
        .Select(g =>
        {
            // Title and remedy come from what reproduces the failure now (a probe, nginx -t) before what the log says of it.
            // The tie-break is explicit (then the check's id), never the order checks happen to be registered in.
            var ordered = g.OrderByDescending(f => f.Severity).ThenBy(f => LogFed.Contains(f.Check ?? "")).ThenBy(f => f.Check, StringComparer.Ordinal).ToList();
            return ordered.Count == 1
                ? ordered[0]
                : ordered[0] with { Evidence = ordered.SelectMany(f => f.Evidence).Distinct().ToList() };
        });

    public static Status StatusOf(IReadOnlyList<Finding> findings, IReadOnlyList<CheckRun> runs) =>
        findings.Any(f => f.Severity == Severity.Critical) ? Status.Critical
        : findings.Any(f => f.Severity == Severity.Warning) ? Status.Warning
        : runs.Any(r => r.Outcome == CheckStatus.Ran) ? Status.Ok
        : Status.Unknown;
}
