using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Host.Fixes;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>`fix`: the plan (each finding's action with its diff, or why there is none), an apply's steps and outcome, the history.</summary>
public static class FixRenderer
{
    public static void Plan(IAnsiConsole console, DiagnosisReport report, FixPlan plan, IReadOnlyList<FileChange> changes)
    {
        console.MarkupLine(report.Findings.Count == 0 ? "[green]Nothing to fix:[/] no problems found" : $"[bold]Fix plan[/] for {report.Findings.Count} finding(s)");
        foreach (var a in plan.Actions)
        {
            console.WriteLine();
            var mark = a.Safe ? "[green]fix[/]" : "[yellow]manual[/]";
            console.MarkupLine($" {mark} [bold]{Terminal.Safe(a.Finding)}[/]: {Terminal.Safe(a.Summary)}");
            foreach (var e in a.Edits)
            {
                console.MarkupLine($"    [grey]{Terminal.Safe(e.At.ToString())}  {Terminal.Safe(e.Why)}[/]");
            }

            foreach (var c in a.Commands)
            {
                console.MarkupLine($"    [cyan]$ {Terminal.Safe(c)}[/]");
            }
        }

        foreach (var c in changes)
        {
            console.WriteLine();
            foreach (var line in c.Diff.TrimEnd('\n').Split('\n'))
            {
                // A real unified diff: tabs stay tabs (Debian's files are tab-indented) so `patch` applies it; only
                // control characters that are not whitespace are escaped. Colour only on a terminal.
                var text = NgxDoctor.Core.Text.SafeText.EscapeKeepingTabs(FixDiff.Redacted(line));
                if (!console.Profile.Capabilities.Ansi)
                {
                    console.Profile.Out.Writer.Write(text + "\n");
                    continue;
                }

                var color = line.StartsWith('+') ? "green" : line.StartsWith('-') ? "red" : line.StartsWith('@') ? "cyan" : "default";
                console.MarkupLine($"[{color}]{Markup.Escape(text)}[/]");
            }
        }
    }

    public static void Result(IAnsiConsole console, ApplyResult result)
    {
        console.WriteLine();
        foreach (var s in result.Steps)
        {
            console.MarkupLine($"  [grey]{Terminal.Safe(s)}[/]");
        }

        console.MarkupLine(result.Applied
            ? $"[green]APPLIED[/] {Terminal.Safe(result.Id)}: {Terminal.Safe(result.Message)}"
            : $"[red]NOT APPLIED[/] {Terminal.Safe(result.Id)}: {Terminal.Safe(result.Message)}");
    }

    public static void History(IAnsiConsole console, IReadOnlyList<FixRecord> records)
    {
        if (records.Count == 0)
        {
            console.MarkupLine("no fixes applied yet");
            return;
        }

        foreach (var r in records)
        {
            console.MarkupLine($"[bold]{Terminal.Safe(r.Id)}[/]  {Terminal.Safe(NgxDoctor.Core.Vocabulary.Codes<NgxDoctor.Host.Fixes.FixStep>.Of(r.Step))}  {Terminal.Safe(r.Created.ToString("u"))}  {Terminal.Safe(r.Detail)}");
            foreach (var a in r.Actions)
            {
                console.MarkupLine($"    {Terminal.Safe(a)}");
            }

            foreach (var f in r.Files)
            {
                console.MarkupLine($"    [grey]{Terminal.Safe(f.Path)}  sha256 {f.HashBefore[..12]} -> {f.HashAfter[..12]}[/]");
            }
        }
    }
}
