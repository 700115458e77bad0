using System.Text;
using NgxDoctor.Config.Editing;

namespace NgxDoctor.Core.Fixes;

/// <summary>A unified diff of one file's edits, a hunk per edit with two lines of context, as `diff -u` would show them.</summary>
public static class UnifiedDiff
{
    private const int Context = 2;

    public static string Render(string path, string before, IReadOnlyList<TextEdit> edits)
    {
        var starts = LineStarts(before);
        var lines = SplitLines(before);
        var sb = new StringBuilder();
        sb.Append("--- ").Append(path).Append('\n').Append("+++ ").Append(path).Append('\n');
        var delta = 0;
        foreach (var e in edits.OrderBy(e => e.Offset))
        {
            var first = LineOf(starts, e.Offset);
            var last = LineOf(starts, Math.Max(e.Offset, e.Offset + e.Length - 1));
            var regionStart = starts[first];
            var regionEnd = last + 1 < starts.Count ? starts[last + 1] : before.Length;
            var region = before[regionStart..regionEnd];
            var changed = region[..(e.Offset - regionStart)] + e.Text + region[(e.Offset - regionStart + e.Length)..];
            var oldLines = SplitLines(region);
            var newLines = SplitLines(changed);
            var from = Math.Max(0, first - Context);
            var to = Math.Min(lines.Count - 1, last + Context);
            var oldCount = to - from + 1;
            var newCount = oldCount - oldLines.Count + newLines.Count;
            sb.Append($"@@ -{from + 1},{oldCount} +{from + 1 + delta},{newCount} @@\n");
            for (var i = from; i < first; i++)
            {
                sb.Append(' ').Append(lines[i]).Append('\n');
            }

            oldLines.ForEach(l => sb.Append('-').Append(l).Append('\n'));
            newLines.ForEach(l => sb.Append('+').Append(l).Append('\n'));
            for (var i = last + 1; i <= to; i++)
            {
                sb.Append(' ').Append(lines[i]).Append('\n');
            }

            delta += newLines.Count - oldLines.Count;
        }

        return sb.ToString();
    }

    private static List<int> LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static int LineOf(List<int> starts, int offset)
    {
        var i = starts.BinarySearch(offset);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>Lines without their terminators (a CR before LF is shown as \r so a CRLF file's diff says so).</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
    }
}
