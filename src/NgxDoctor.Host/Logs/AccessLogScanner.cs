using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Reads the window of an access log (and rotated siblings) with its own log_format, into the aggregator. A large
/// plain file is cut at line boundaries into one chunk per core, read in parallel, and merged in order.
/// </summary>
public static class AccessLogScanner
{
    public const int UnparsedSamples = 5;
    public const long ParallelAbove = 32L << 20;

    public static LogScan Scan(string path, AccessLineParser parser, DateTime since, DateTime until, AccessAggregator aggregator, FailureKeys? failures = null, long parallelAbove = ParallelAbove)
    {
        var total = new Chunk();
        var problems = new List<string>();
        if (parser.Format.Warning is { } warning)
        {
            problems.Add(warning);
        }

        foreach (var file in RotatedLogs.Window(path, since, line => parser.Parse(line)?.Time))
        {
            try
            {
                LogLineReader.EnsureRegular(file);
                var gz = file.EndsWith(".gz", StringComparison.Ordinal);
                var (offset, firstLine) = gz ? (0L, 1L) : TimeWindowSeeker.Seek(file, since, l => parser.Parse(l)?.Time);
                var size = new FileInfo(file).Length;
                var cuts = gz || size - offset < parallelAbove ? [offset, long.MaxValue] : Cuts(file, offset, size, Environment.ProcessorCount);
                var chunks = new Chunk[cuts.Count - 1];
                Parallel.For(0, chunks.Length, i =>
                {
                    chunks[i] = new Chunk { Aggregator = i == 0 ? aggregator : new AccessAggregator(failures) };
                    chunks[i].Read(file, new AccessLineParser(parser.Format), cuts[i], cuts[i + 1], i == 0 ? firstLine : 1, since, until);
                });

                var before = firstLine - 1;
                for (var i = 0; i < chunks.Length; i++)
                {
                    if (i > 0)
                    {
                        aggregator.Merge(chunks[i].Aggregator!, before);
                    }

                    total.Add(chunks[i], i == 0 ? 0 : before);
                    before += chunks[i].Lines;
                    if (chunks[i].Problem is { } p)
                    {
                        problems.Add($"{file}: {p}");
                    }
                }
            }
            catch (Exception e) when (Unwrap(e) is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(SafeText.Escape(Unwrap(e).Message));
            }
        }

        return new LogScan(path, "access", total.Lines, total.Entries, 0, total.Unrecognized, total.Oversize, total.First, total.Last, problems.Count == 0 ? null : string.Join("; ", problems))
        {
            UnclassifiedSamples = total.Samples.Take(UnparsedSamples).Select(s => IncidentAggregator.Sample(s.File, s.Line, s.Text)).ToList(),
        };
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? inner : e;

    /// <summary>Offsets that split [start, size) into about <paramref name="parts"/> pieces, each beginning a line.</summary>
    private static List<long> Cuts(string file, long start, long size, int parts)
    {
        var cuts = new List<long> { start };
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buf = new byte[64 * 1024];
        for (var i = 1; i < parts; i++)
        {
            var at = start + ((size - start) * i / parts);
            stream.Seek(at, SeekOrigin.Begin);
            var n = stream.Read(buf, 0, buf.Length);
            var nl = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0 && at + nl + 1 > cuts[^1] && at + nl + 1 < size)
            {
                cuts.Add(at + nl + 1);
            }
        }

        cuts.Add(size);
        return cuts;
    }

    private sealed class Chunk
    {
        public AccessAggregator? Aggregator { get; init; }

        public long Lines { get; private set; }

        public long Entries { get; private set; }

        public long Unrecognized { get; private set; }

        public long Oversize { get; private set; }

        public DateTime? First { get; private set; }

        public DateTime? Last { get; private set; }

        public string? Problem { get; private set; }

        public List<(string File, long Line, string Text)> Samples { get; } = [];

        public void Read(string file, AccessLineParser parser, long start, long end, long firstLine, DateTime since, DateTime until)
        {
            using var reader = LogLineReader.Open(file, start, firstLine, end);
            while (reader.TryReadSpan(out var text, out var number, out var oversize))
            {
                Lines++;
                Oversize += oversize ? 1 : 0;
                if (!parser.TryParse(text, out var record))
                {
                    Unrecognized++;
                    if (Samples.Count < UnparsedSamples)
                    {
                        Samples.Add((file, number, text.ToString()));
                    }

                    continue;
                }

                if (record.Time is { } t && (t < since || t > until))
                {
                    continue;
                }

                Entries++;
                First ??= record.Time;
                Last = record.Time ?? Last;
                Aggregator!.Add(text, record, file, number);
            }

            Problem = reader.Problem;
        }

        /// <summary>Adds a later chunk's counts; its sample line numbers were counted from 1 and are shifted by <paramref name="lineOffset"/>.</summary>
        public void Add(Chunk c, long lineOffset)
        {
            Lines += c.Lines;
            Entries += c.Entries;
            Unrecognized += c.Unrecognized;
            Oversize += c.Oversize;
            First ??= c.First;
            Last = c.Last ?? Last;
            Samples.AddRange(c.Samples.Select(s => s with { Line = s.Line + lineOffset }));
        }
    }
}
