using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.RequestPath;

/// <summary>How many of the failures observed in the window a finding accounts for, from when to when, and whether they go on now.</summary>
public sealed record ObservedFailures(int Failures, DateTimeOffset Since, DateTimeOffset Until, bool Now)
{
    /// <summary>"explains 5 failing request(s) logged 10:54:30 to 10:54:32, going on now".</summary>
    public string Describe() =>
        $"explains {Failures} failing request(s) logged {Since:yyyy-MM-dd HH:mm:ss} to {Until:HH:mm:ss}, {(Now ? "going on now" : "over")}";
}

/// <summary>The window's failing requests: how many nginx logged, how many the findings explain, how many none does.</summary>
public sealed record FailureTally(int Observed, int Explained, int Unexplained)
{
    public string Describe() => $"{Observed} failing request(s) logged in the window: {Explained} explained, {Unexplained} unexplained";
}

/// <summary>
/// Conserves the failures nginx logged: every failing request of the window (error-log failures, the access log's
/// backend 5xx, its clients that gave up, its 5xx with no error-log line) is given to the first-ranked finding whose
/// cause covers its kind (<see cref="Coverage"/>) at a target it names (<see cref="PathModel"/>); what no finding
/// takes is left over, for the unexplained-failures finding. Explained plus unexplained is what was observed.
/// </summary>
public static class FailureLedger
{
    public static IReadOnlyList<LogIncident> Observed(LogFacts logs)
    {
        var access = logs.Access;
        var gaveUp = access?.GaveUp ?? [];
        // Both logs record a client that gave up: the access log's count where it has one for the upstream, else the error log's.
        var errors = logs.Incidents.Where(i => Coverage.IsRequestFailure(i.Kind)
            && (i.Kind != FailureKind.ClientClosed || (i.Upstream is { } u && u.Contains(':', StringComparison.Ordinal) && !gaveUp.Any(a => a.Upstream == u))));
        return [.. errors, .. access?.BackendErrors ?? [], .. gaveUp, .. access?.Unlogged ?? []];
    }

    /// <summary>Each finding with what it explains; and the failures none explains.</summary>
    public static (IReadOnlyList<Finding> Findings, IReadOnlyList<LogIncident> Unexplained) Account(DiagnosisFacts facts, IReadOnlyList<Finding> ranked)
    {
        if (facts.Logs is not { } logs)
        {
            return (ranked, []);
        }

        var model = PathModel.Build(facts);
        var taken = ranked.Select(_ => new List<LogIncident>()).ToList();
        var unexplained = new List<LogIncident>();
        foreach (var failure in Observed(logs))
        {
            var by = Enumerable.Range(0, ranked.Count).FirstOrDefault(i => Covers(model, logs, ranked[i], failure), -1);
            (by >= 0 ? taken[by] : unexplained).Add(failure);
        }

        var findings = ranked.Select((f, i) => taken[i].Count == 0 ? f : f with { Observed = Summary(facts, logs, taken[i]) }).ToList();
        return (findings, unexplained);
    }

    public static ObservedFailures Summary(DiagnosisFacts facts, LogFacts logs, IReadOnlyCollection<LogIncident> failures)
    {
        return new ObservedFailures(failures.Sum(i => i.Count), At(facts, failures.Min(i => i.FirstSeen)), At(facts, failures.Max(i => i.LastSeen)), !Analysis.LogEvidence.HasStopped(logs, failures));
    }

    private static bool Covers(PathModel model, LogFacts logs, Finding f, LogIncident failure)
    {
        if (f.Cause == Cause.UnexplainedFailures || (!Coverage.Explains(f.Cause, failure) && !f.Failures.Contains(failure.Kind)))
        {
            return false;
        }

        // A lead or a note (info) explains only what is history, as it is.
        if (f.Severity == Severity.Info && !logs.BeforeChange([failure]))
        {
            return false;
        }

        return f.Upstream is null || (f.Affects.Count > 0 ? f.Affects : [f.Upstream]).Concat(f.SeenAt).Any(n => model.Same(n, failure.Upstream));
    }

    /// <summary>A log time (this host's local time) with the offset the facts were collected at.</summary>
    private static DateTimeOffset At(DiagnosisFacts facts, DateTime t)
    {
        var offset = facts.CollectedAt.Offset;
        var local = DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
        return local.Ticks - offset.Ticks is var utc && utc > DateTime.MinValue.Ticks && utc < DateTime.MaxValue.Ticks ? new DateTimeOffset(local, offset) : new DateTimeOffset(local, TimeSpan.Zero);
    }
}
