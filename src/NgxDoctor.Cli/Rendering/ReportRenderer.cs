using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Text;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The terminal report: the verdict in one line, then each finding with evidence and remedy, then what was not checked.</summary>
public static class ReportRenderer
{
    public static void Render(IAnsiConsole console, DiagnosisReport report, bool verbose)
    {
        if (InstanceReports.HasSections(report) && report.Sections is { } sections)
        {
            console.MarkupLine($"[bold {StatusColor(report.Status)}]{report.Status.Code().ToUpperInvariant()}[/]  {Terminal.Safe(InstancesLine(sections))}");
            foreach (var s in sections)
            {
                console.WriteLine();
                console.MarkupLine($"[bold]== {Terminal.Safe(Title(s.Instance))}[/]");
                Render(console, s.Report with { Sections = null }, verbose);
            }

            return;
        }

        var c = report.Context;
        var what = $"{Terminal.Safe(c.ConfigFile)}" + (c.MasterPid is { } pid ? $" (nginx pid {pid}" : " (nginx not running") +
                   (c.WorkerUser is { } u ? $", workers as {Terminal.Safe(u)}" : "") + $", {c.Upstreams} upstream address(es))";
        console.MarkupLine($"[bold {StatusColor(report.Status)}]{report.Status.Code().ToUpperInvariant()}[/]  {report.Verdict.Text} in {what}");
        if (Taken(c, DateTimeOffset.Now) is { } taken)
        {
            console.MarkupLine($"[yellow]{Terminal.Safe(taken)}[/]");
        }

        var screen = console.Profile.Width;
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            console.WriteLine();
            var head = $" {i + 1}. {f.Severity.Code()} {f.Cause.Code()}  ";
            var title = TextLayout.Wrap(f.Title, head.Length, 4, screen);
            console.MarkupLine($" [bold]{i + 1}.[/] [{SeverityColor(f.Severity)}]{f.Severity.Code()}[/] [bold]{Terminal.Safe(f.Cause.Code())}[/]  {Markup.Escape(title[0])}");
            title.Skip(1).ToList().ForEach(l => console.MarkupLine($"    {Markup.Escape(l)}"));
            Grey(console, $"confidence {f.Confidence.Code()}: {f.ConfidenceWhy}", screen);
            if (f.Observed is { } observed)
            {
                Grey(console, observed.Describe(), screen);
            }

            if (f.ExplainedBy.Count > 0)
            {
                Grey(console, $"follows from {string.Join("; ", f.ExplainedBy)}", screen);
            }

            if (f.Explains.Count > 0)
            {
                Grey(console, $"explains {string.Join("; ", f.Explains)}", screen);
            }

            var width = f.Evidence.Count == 0 ? 0 : Math.Min(verbose ? 60 : 36, f.Evidence.Max(e => e.Source.Length));
            foreach (var (e, count, first) in verbose ? f.Evidence.Select(e => (e, 1, (string?)null)).ToList() : TextLayout.Fold(f.Evidence))
            {
                var source = SafeText.Escape(e.Source).PadRight(width);
                var times = count > 1 ? $"  [yellow](×{count}{(first is null ? "" : $" since {first}")}; -v: all)[/]" : "";
                var used = 4 + 8 + 1 + source.Length + 2 + (count > 1 ? 30 : 0);
                if (!verbose && screen - used < 40 && e.Text.Length > screen - used)
                {
                    // A narrow screen: the text on a line of its own under its source.
                    console.MarkupLine($"    [grey]{e.Kind.Code(),-8}[/] {Markup.Escape(source.TrimEnd())}{times}");
                    console.MarkupLine($"             {Markup.Escape(TextLayout.Cut(e.Text, 13, screen))}");
                    continue;
                }

                var text = verbose ? SafeText.Escape(e.Text) : TextLayout.Cut(e.Text, used, screen);
                console.MarkupLine($"    [grey]{e.Kind.Code(),-8}[/] {Markup.Escape(source)}  {Markup.Escape(text)}{times}");
            }

            var remedy = TextLayout.Wrap(f.Remedy.Summary, 13, 13, screen);
            console.MarkupLine($"    [green]{"remedy",-8}[/] {Markup.Escape(remedy[0])}");
            remedy.Skip(1).ToList().ForEach(l => console.MarkupLine($"             {Markup.Escape(l)}"));
            foreach (var cmd in f.Remedy.Commands)
            {
                console.MarkupLine($"    {"",-8} [cyan]$ {Terminal.Safe(cmd)}[/]");
            }
        }

        console.WriteLine();
        console.MarkupLine($"[grey]Checked: {report.Verdict.Coverage}[/]");
        if (report.Failures is { Observed: > 0 } tally)
        {
            console.MarkupLine($"[grey]{Terminal.Safe(tally.Describe())}[/]");
        }
        if (report.Skipped.Count > 0)
        {
            console.MarkupLine("[yellow]Not checked:[/]");
            foreach (var s in report.Skipped)
            {
                console.MarkupLine($"  - {Terminal.Safe(s.Check)}: {Terminal.Safe(s.Reason)}");
            }
        }

        if (report.RecordedIncidents is { Count: > 0 } recorded)
        {
            console.MarkupLine("[yellow]Recorded by `watch` for these upstreams (`diagnose --from BUNDLE` shows the facts of that moment):[/]");
            foreach (var i in recorded)
            {
                console.MarkupLine($"  - {Terminal.Safe(i.Summary())}");
            }
        }

        if (verbose)
        {
            console.WriteLine();
            console.MarkupLine("[grey]Checks:[/]");
            foreach (var r in report.Checks)
            {
                console.MarkupLine($"  {r.Outcome.Code(),-8} {Terminal.Safe(r.Id),-22} {r.Findings} finding(s), {r.ElapsedMs:0.0} ms  {Terminal.Safe(r.Reason)}");
            }
        }
    }

    /// <summary>"3 instance(s): 1 critical, 2 ok".</summary>
    public static string InstancesLine(IReadOnlyList<InstanceSection> sections) =>
        $"{sections.Count} instance(s): " + string.Join(", ", sections.GroupBy(s => s.Report.Status).OrderByDescending(g => InstanceReports.Badness(g.Key)).Select(g => $"{g.Count()} {g.Key.Code()}"));

    /// <summary>"instance app-nginx-1: container app-nginx-1 (compose service web), pid 4242".</summary>
    private static void Grey(IAnsiConsole console, string text, int screen) =>
        TextLayout.Wrap(text, 4, 6, screen).Select((l, n) => n == 0 ? $"    {l}" : $"      {l}").ToList().ForEach(l => console.MarkupLine($"[grey]{Markup.Escape(l)}[/]"));

    /// <summary>
    /// A diagnosis of facts gathered earlier (a bundle, --facts, an incident's bundle): when and where, since its "now"
    /// is that moment. Null for facts of this very run.
    /// </summary>
    public static string? Taken(ReportContext c, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(c.CollectedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at) || now - at < TimeSpan.FromMinutes(1))
        {
            return null;
        }

        var age = now - at;
        var ago = age.TotalDays >= 2 ? $"{(int)age.TotalDays} days" : age.TotalHours >= 2 ? $"{(int)age.TotalHours} h" : $"{(int)age.TotalMinutes} min";
        return $"as of {at.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC on {c.Hostname}, {ago} ago: \"now\" and \"failing now\" mean then";
    }

    public static string Title(InstanceSummary i) => $"instance {i.Id}: {i.Where}" + (i.MasterPid is { } pid ? $", pid {pid}" : "");

    private static string StatusColor(NgxDoctor.Core.Diagnosis.Status status) => status switch
    {
        NgxDoctor.Core.Diagnosis.Status.Ok => "green",
        NgxDoctor.Core.Diagnosis.Status.Warning => "yellow",
        NgxDoctor.Core.Diagnosis.Status.Critical => "red",
        _ => "grey",
    };

    private static string SeverityColor(Severity s) => s switch
    {
        Severity.Critical => "red",
        Severity.Warning => "yellow",
        _ => "blue",
    };
}
