namespace NgxDoctor.Core.Diagnosis;

/// <summary>The verdict: how many problems, how many fail now, how many are over, and what the checks covered.</summary>
public sealed record Verdict([property: System.Text.Json.Serialization.JsonIgnore] Status Status, int Problems, int FailingNow, int Over, int ChecksRan, int ChecksSkipped, int ChecksCrashed, int ChecksTotal, int Upstreams)
{
    public static Verdict Of(DiagnosisReport report) => new(
        report.Status,
        report.Findings.Count,
        report.Findings.Count(f => f.Severity == Severity.Critical),
        report.Findings.Count(f => f.Basis == Basis.LogPast),
        report.Checks.Count(r => r.Outcome == CheckStatus.Ran),
        report.Checks.Count(r => r.Outcome == CheckStatus.Skipped),
        report.Checks.Count(r => r.Outcome == CheckStatus.Crashed),
        report.Checks.Count,
        report.Context.Upstreams);

    /// <summary>The verdict in one line: no problem, problems now, or only problems that are over.</summary>
    public string Text =>
        Problems == 0 ? Status == Status.Ok ? "no problems found" : "nothing could be checked"
        : FailingNow == 0 && Over == Problems ? $"no failures now; {Over} problem(s) in the log window are over"
        : $"{Problems} problem(s) found" + (FailingNow > 0 ? $", {FailingNow} failing now" : "");

    /// <summary>What was looked at, so an empty report is never read as more than it is.</summary>
    public string Coverage =>
        $"{ChecksRan} of {ChecksTotal} checks ran over {Upstreams} upstream address(es)"
        + (ChecksSkipped > 0 ? $", {ChecksSkipped} skipped" : "") + (ChecksCrashed > 0 ? $", {ChecksCrashed} crashed" : "");
}
