using NgxDoctor.Core.Diagnosis;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The terminal report: the verdict in one line, then each finding with evidence and remedy, then what was not checked.</summary>
public static class ReportRenderer
{
    public static void Render(IAnsiConsole console, DiagnosisReport report, bool verbose)
    {
        var c = report.Context;
        var what = $"{Terminal.Safe(c.ConfigFile)}" + (c.MasterPid is { } pid ? $" (nginx pid {pid}" : " (nginx not running") +
                   (c.WorkerUser is { } u ? $", workers as {Terminal.Safe(u)}" : "") + $", {c.Upstreams} upstream address(es))";
        var verdict = Verdict(report);
        console.MarkupLine($"[bold {StatusColor(report.Status)}]{report.Status.ToUpperInvariant()}[/]  {verdict} in {what}");

        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            console.WriteLine();
            console.MarkupLine($" [bold]{i + 1}.[/] [{SeverityColor(f.Severity)}]{f.Severity.ToString().ToLowerInvariant()}[/] [bold]{Terminal.Safe(f.Cause)}[/]  {Terminal.Safe(f.Title)}");
            console.MarkupLine($"    [grey]confidence {Terminal.Safe(f.Confidence)}: {Terminal.Safe(f.ConfidenceWhy)}[/]");
            if (f.ExplainedBy.Count > 0)
            {
                console.MarkupLine($"    [grey]follows from {Terminal.Safe(string.Join("; ", f.ExplainedBy))}[/]");
            }

            if (f.Explains.Count > 0)
            {
                console.MarkupLine($"    [grey]explains {Terminal.Safe(string.Join("; ", f.Explains))}[/]");
            }

            var width = f.Evidence.Count == 0 ? 0 : Math.Min(60, f.Evidence.Max(e => e.Source.Length));
            foreach (var e in f.Evidence)
            {
                console.MarkupLine($"    [grey]{Terminal.Safe(e.Kind),-8}[/] {Terminal.Safe(e.Source.PadRight(width))}  {Terminal.Safe(e.Text)}");
            }

            console.MarkupLine($"    [green]{"remedy",-8}[/] {Terminal.Safe(f.Remedy.Summary)}");
            foreach (var cmd in f.Remedy.Commands)
            {
                console.MarkupLine($"    {"",-8} [cyan]$ {Terminal.Safe(cmd)}[/]");
            }
        }

        console.WriteLine();
        console.MarkupLine($"[grey]Checked: {Coverage(report)}[/]");
        if (report.Skipped.Count > 0)
        {
            console.MarkupLine("[yellow]Not checked:[/]");
            foreach (var s in report.Skipped)
            {
                console.MarkupLine($"  - {Terminal.Safe(s.Check)}: {Terminal.Safe(s.Reason)}");
            }
        }

        if (verbose)
        {
            console.WriteLine();
            console.MarkupLine("[grey]Checks:[/]");
            foreach (var r in report.Checks)
            {
                console.MarkupLine($"  {Terminal.Safe(r.Outcome),-8} {Terminal.Safe(r.Id),-22} {r.Findings} finding(s), {r.ElapsedMs:0.0} ms  {Terminal.Safe(r.Reason)}");
            }
        }
    }

    /// <summary>The verdict in one line: no problem, problems now, or only problems that are over.</summary>
    public static string Verdict(DiagnosisReport report)
    {
        if (report.Findings.Count == 0)
        {
            return report.Status == "ok" ? "no problems found" : "nothing could be checked";
        }

        var now = report.Findings.Count(f => f.Severity == Severity.Critical);
        var past = report.Findings.Count(f => f.ConfidenceWhy == FindingRelations.Past);
        return now == 0 && past == report.Findings.Count
            ? $"no failures now; {past} problem(s) in the log window are over"
            : $"{report.Findings.Count} problem(s) found" + (now > 0 ? $", {now} failing now" : "");
    }

    /// <summary>What was looked at, so an empty report is never read as more than it is.</summary>
    public static string Coverage(DiagnosisReport report)
    {
        var ran = report.Checks.Count(r => r.Outcome == "ran");
        var skipped = report.Checks.Count(r => r.Outcome == "skipped");
        var crashed = report.Checks.Count(r => r.Outcome == "crashed");
        return $"{ran} of {report.Checks.Count} checks ran over {report.Context.Upstreams} upstream address(es)"
            + (skipped > 0 ? $", {skipped} skipped" : "") + (crashed > 0 ? $", {crashed} crashed" : "");
    }

    private static string StatusColor(string status) => status switch
    {
        "ok" => "green",
        "warning" => "yellow",
        "critical" => "red",
        _ => "grey",
    };

    private static string SeverityColor(Severity s) => s switch
    {
        Severity.Critical => "red",
        Severity.Warning => "yellow",
        _ => "blue",
    };
}
