using System.Runtime.CompilerServices;
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
    public static LogScan Scan(string path, AccessLineParser parser, DateTime since, DateTime until, AccessAggregator aggregator, FailureKeys? failures = null, long parallelAbove = ChunkedFile.ParallelAbove, string? shownAs = null)
    {
        var total = new ScanCounters();
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
                var (offset, firstLine) = LogLineReader.IsCompressed(file) ? (0L, 1L) : TimeWindowSeeker.Seek(file, since, l => parser.Parse(l)?.Time);
                var chunks = ChunkedFile.Read(file, ChunkedFile.Plan(file, offset, firstLine, null, parallelAbove),
                    new Chunk { Aggregator = aggregator }, () => new Chunk { Aggregator = aggregator.Fresh() },
                    (chunk, reader) => chunk.Read(shownAs ?? file, new AccessLineParser(parser.Format), reader, since, until));

                total.AddChunks(file, chunks, firstLine, problems, (chunk, lineOffset) => aggregator.Merge(chunk.Aggregator!, lineOffset));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(SafeText.Escape(e.Message));
            }
        }

        return total.ToScan(shownAs ?? path, "access", problems);
    }

    private sealed class Chunk : ScanCounters
    {
        public AccessAggregator? Aggregator { get; init; }

        /// <summary>Lines are matched on their bytes; only those the aggregator keeps as text (5xx, 499) or cannot count as bytes are decoded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(string file, AccessLineParser parser, LogLineReader reader, DateTime since, DateTime until)
        {
            while (reader.TryReadUtf8(out var bytes, out var number, out var oversize))
            {
                Lines++;
                Oversize += oversize ? 1 : 0;
                if (!parser.TryParse(bytes, out var record))
                {
                    Unrecognized++;
                    Sample(file, number, reader.Decode(bytes));
                    continue;
                }

                if (record.Time is { } t && (t < since || t > until))
                {
                    continue;
                }

                Seen(record.Time);
                if (!Aggregator!.TryAddCommon(bytes, record))
                {
                    var text = reader.Decode(bytes);
                    if (parser.TryParse(text, out var fields))
                    {
                        Aggregator.Add(text, fields, file, number);
                    }
                }
            }

            Problem = reader.Problem;
        }
    }
}
