using System.Text;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using Spectre.Console;
using Status = NgxDoctor.Core.Diagnosis.Status;

namespace NgxDoctor.Cli.Rendering;

/// <summary>A fleet summary as text (hosts worst first, then causes with their hosts) or Markdown.</summary>
public static class FleetRenderer
{
    /// <summary>A host's name from its result file: results/web2.json is web2.</summary>
    public static string HostOf(string file)
    {
        var name = Path.GetFileName(file);
        foreach (var suffix in new[] { ".tar.gz", ".json" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    public static string Headline(FleetReport f) =>
        $"{f.Status.ToString().ToUpperInvariant()}  {f.Hosts.Count} host(s): " +
        string.Join(", ", new[] { Status.Critical, Status.Warning, Status.Unknown, Status.Ok }.Select(s => $"{f.Hosts.Count(h => h.Status == s)} {s.Code()}"));

    public static void Render(IAnsiConsole console, FleetReport f)
    {
        console.MarkupLine($"[bold]{Terminal.Safe(Headline(f))}[/]");
        console.WriteLine();
        console.MarkupLine("[bold]Hosts, worst first[/]");
        var width = f.Hosts.Select(h => h.Host.Length).DefaultIfEmpty(4).Max();
        foreach (var h in f.Hosts)
        {
            console.MarkupLine($"  {Colour(h.Status)}  {Terminal.Safe(h.Host.PadRight(width))}  {Terminal.Safe(h.Verdict)}");
        }

        if (f.Causes.Count == 0)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine("[bold]By cause[/]");
        foreach (var c in f.Causes)
        {
            console.MarkupLine($"  [bold]{Terminal.Safe(c.Cause.Code())}[/] ({c.Worst.Code()}, {c.Hosts.Count} host(s))");
            foreach (var o in c.Hosts)
            {
                console.MarkupLine($"    {Terminal.Safe(o.Host.PadRight(width))}  {o.Severity.Code(),-8}  {Terminal.Safe(o.Title)}");
            }
        }
    }

    public static string Markdown(FleetReport f)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Cell(Headline(f))).Append("\n\n| host | status | verdict |\n|---|---|---|\n");
        foreach (var h in f.Hosts)
        {
            md.Append("| ").Append(Cell(h.Host)).Append(" | ").Append(h.Status.Code()).Append(" | ").Append(Cell(h.Verdict)).Append(" |\n");
        }

        foreach (var c in f.Causes)
        {
            md.Append("\n## `").Append(c.Cause.Code()).Append("` (").Append(c.Worst.Code()).Append(", ").Append(c.Hosts.Count).Append(" host(s))\n\n");
            foreach (var o in c.Hosts)
            {
                md.Append("- **").Append(Cell(o.Host)).Append("** ").Append(o.Severity.Code()).Append(": ").Append(Cell(o.Title)).Append('\n');
            }
        }

        return md.ToString();
    }

    private static string Colour(Status s) => s switch
    {
        Status.Critical => "[red]critical[/]",
        Status.Warning => "[yellow]warning [/]",
        Status.Unknown => "[grey]unknown [/]",
        _ => "[green]ok      [/]",
    };

    private static string Cell(string text) => MarkdownText.Escape(text);
}
