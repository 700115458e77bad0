using System.Text.RegularExpressions;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// Text that fits the terminal: long prose wrapped at spaces with a hanging indent, an evidence line cut to one screen
/// line (all of it with -v), and log lines that say the same thing again (to any client) folded into one sample and
/// a count.
/// </summary>
public static partial class TextLayout
{
    /// <summary>The lines of <paramref name="text"/> (made safe to print) within <paramref name="width"/>: the first after <paramref name="first"/> columns, the rest after <paramref name="rest"/>.</summary>
    public static List<string> Wrap(string text, int first, int rest, int width)
    {
        var lines = new List<string>();
        var line = SafeText.Escape(text);
        var room = Math.Max(20, width - first);
        while (line.Length > room)
        {
            var cut = line.LastIndexOf(' ', room);
            if (cut <= room / 3)
            {
                cut = room;
            }

            lines.Add(line[..cut].TrimEnd());
            line = line[cut..].TrimStart();
            room = Math.Max(20, width - rest);
        }

        lines.Add(line);
        return lines;
    }

    /// <summary>One screen line: the text cut with "…" to the room left after <paramref name="used"/> columns.</summary>
    public static string Cut(string text, int used, int width)
    {
        var safe = SafeText.Escape(text);
        var room = Math.Max(20, width - used);
        return safe.Length <= room ? safe : safe[..(room - 1)] + "…";
    }

    /// <summary>Evidence with consecutive log lines that differ only in time and connection folded: the last of them, and how many.</summary>
    public static List<(Evidence Evidence, int Count, string? First)> Fold(IReadOnlyList<Evidence> evidence)
    {
        var folded = new List<(Evidence, int, string?)>();
        foreach (var e in evidence)
        {
            if (folded.Count > 0 && e.Kind == EvidenceKind.Log && folded[^1] is var (last, count, first) && last.Kind == EvidenceKind.Log
                && SameFile(last.Source, e.Source) && Shape(last.Text) is { } shape && shape == Shape(e.Text))
            {
                folded[^1] = (e, count + 1, first ?? Time(last.Text));
                continue;
            }

            folded.Add((e, 1, null));
        }

        return folded;
    }

    private static bool SameFile(string a, string b) => FileOf(a) == FileOf(b);

    private static string FileOf(string source) => source.LastIndexOf(':') is var c and > 0 && int.TryParse(source.AsSpan(c + 1), out _) ? source[..c] : source;

    /// <summary>An nginx error-log line without its time, pid#tid, connection and client: what it says.</summary>
    private static string? Shape(string text) => LogHead().IsMatch(text) ? Client().Replace(LogHead().Replace(text, "", 1), ", client: *,", 1) : null;

    [GeneratedRegex(@", (udp )?client: [^,]+,")]
    private static partial Regex Client();

    private static string? Time(string text) => LogHead().Match(text) is { Success: true } m ? m.Groups["time"].Value : null;

    [GeneratedRegex(@"^\d{4}/\d\d/\d\d (?<time>\d\d:\d\d:\d\d) \[[a-z]+\] \d+#\d+: (\*\d+ )?")]
    private static partial Regex LogHead();
}
