using System.Text;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The report as Markdown, to paste into a ticket: the verdict, each finding with an evidence table and the remedy, the coverage.</summary>
public static class MarkdownRenderer
{
    public static string Render(DiagnosisReport report)
    {
        var md = new StringBuilder();
        if (InstanceReports.HasSections(report) && report.Sections is { } sections)
        {
            md.AppendLine($"# ngxdoctor on {Text(report.Context.Hostname)}: **{report.Status.Code().ToUpperInvariant()}**, {Text(ReportRenderer.InstancesLine(sections))}");
            foreach (var s in sections)
            {
                md.AppendLine();
                md.AppendLine($"## {Text(ReportRenderer.Title(s.Instance))}");
                md.AppendLine();
                md.Append(Render(s.Report with { Sections = null }));
            }

            return md.ToString();
        }

        var c = report.Context;
        md.AppendLine($"## ngxdoctor: **{report.Status.Code().ToUpperInvariant()}**, {Text(report.Verdict.Text)}");
        md.AppendLine();
        md.AppendLine($"`{Code(c.ConfigFile)}` on {Text(c.Hostname)} at {Text(c.CollectedAt)}" + (c.MasterPid is { } pid ? $", nginx pid {pid}" : ", nginx not running")
            + (c.WorkerUser is { } u ? $", workers as {Text(u)}" : "") + $", {c.Upstreams} upstream address(es)");
        if (report.Route is { } route)
        {
            md.AppendLine();
            md.AppendLine($"Limited to the route of `{Code(route.Url)}`: " + string.Join(" → ", new[] { route.Server?.What }.Concat(route.Locations.Select(l => l.What)).Concat(route.Ends.Select(e => e.Directive)).OfType<string>().Select(x => $"`{Code(x)}`")));
        }

        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            md.AppendLine();
            md.AppendLine($"### {i + 1}. {f.Severity.Code()} `{f.Cause.Code()}`: {Text(f.Title)}");
            md.AppendLine();
            md.AppendLine($"Confidence {f.Confidence.Code()}: {Text(f.ConfidenceWhy)}." + (f.ExplainedBy.Count > 0 ? $" Follows from {Text(string.Join("; ", f.ExplainedBy))}." : "")
                + (f.Explains.Count > 0 ? $" Explains {Text(string.Join("; ", f.Explains))}." : "")
                + (f.Observed is { } observed ? $" It {Text(observed.Describe())}." : ""));
            md.AppendLine();
            md.AppendLine("| kind | source | evidence |");
            md.AppendLine("|---|---|---|");
            foreach (var e in f.Evidence)
            {
                md.AppendLine($"| {e.Kind.Code()} | `{Code(e.Source)}` | {Cell(e.Text)} |");
            }

            md.AppendLine();
            md.AppendLine($"**Remedy:** {Text(f.Remedy.Summary)}");
            if (f.Remedy.Commands.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("```");
                foreach (var cmd in f.Remedy.Commands)
                {
                    md.AppendLine(NgxDoctor.Core.Text.SafeText.Escape(cmd).Replace("```", "'''", StringComparison.Ordinal));
                }

                md.AppendLine("```");
            }
        }

        md.AppendLine();
        md.AppendLine($"Checked: {Text(report.Verdict.Coverage)}.");
        if (report.Skipped.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Not checked:");
            md.AppendLine();
            foreach (var s in report.Skipped)
            {
                md.AppendLine($"- `{Code(s.Check)}`: {Text(s.Reason)}");
            }
        }

        if (report.RecordedIncidents is { Count: > 0 } recorded)
        {
            md.AppendLine();
            md.AppendLine("Recorded by `watch` for these upstreams:");
            md.AppendLine();
            foreach (var i in recorded)
            {
                md.AppendLine($"- {Text(i.Summary())}");
            }
        }

        return md.ToString();
    }

    private static string Text(string? s) => MarkdownText.Escape(s);

    private static string Cell(string s) => Text(s);

    private static string Code(string s) => NgxDoctor.Core.Text.SafeText.Escape(s).Replace("`", "'", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
