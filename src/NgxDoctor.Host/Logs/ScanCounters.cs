using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>What reading (part of) a log counted: lines, entries in the window, lines not understood, and a few of those.</summary>
public class ScanCounters
{
    public const int MaxSamples = 5;

    public long Lines { get; set; }

    public long Entries { get; set; }

    public long Unclassified { get; set; }

    public long Unrecognized { get; set; }

    public long Oversize { get; set; }

    public DateTime? First { get; set; }

    public DateTime? Last { get; set; }

    public string? Problem { get; set; }

    public List<(string File, long Line, string Text)> Samples { get; } = [];

    public void Sample(string file, long line, ReadOnlySpan<char> text)
    {
        if (Samples.Count < MaxSamples)
        {
            Samples.Add((file, line, text.ToString()));
        }
    }

    public void Seen(DateTime? time)
    {
        Entries++;
        First ??= time;
        Last = time ?? Last;
    }

    /// <summary>
    /// Folds the chunks of one file, read in parallel and returned in file order, into these counters. The first chunk
    /// numbered its lines from <paramref name="firstLine"/> and shares the caller's aggregators; each later one counted
    /// from 1, so its lines are shifted by the lines before it and <paramref name="mergeLater"/> merges its aggregators.
    /// </summary>
    public void AddChunks<T>(string file, IReadOnlyList<T> chunks, long firstLine, List<string> problems, Action<T, long> mergeLater)
        where T : ScanCounters
    {
        var before = firstLine - 1;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                mergeLater(chunks[i], before);
            }

            AddCounts(chunks[i], i == 0 ? 0 : before);
            before += chunks[i].Lines;
            if (chunks[i].Problem is { } p)
            {
                problems.Add($"{file}: {p}");
            }
        }
    }

    /// <summary>Adds a later chunk's counts; its sample line numbers were counted from 1 and are shifted by <paramref name="lineOffset"/>.</summary>
    public void AddCounts(ScanCounters c, long lineOffset)
    {
        Lines += c.Lines;
        Entries += c.Entries;
        Unclassified += c.Unclassified;
        Unrecognized += c.Unrecognized;
        Oversize += c.Oversize;
        First ??= c.First;
        Last = c.Last ?? Last;
        Samples.AddRange(c.Samples.Select(s => s with { Line = s.Line + lineOffset }));
    }

    public LogScan ToScan(string path, string kind, IReadOnlyList<string> problems) =>
        new(path, kind, Lines, Entries, Unclassified, Unrecognized, Oversize, First, Last, problems.Count == 0 ? null : string.Join("; ", problems))
        {
            UnclassifiedSamples = Samples.Take(MaxSamples).Select(s => IncidentAggregator.Sample(s.File, s.Line, s.Text)).ToList(),
        };
}
