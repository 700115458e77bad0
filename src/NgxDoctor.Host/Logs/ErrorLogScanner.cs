using System.Text;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Reads the window [since, until] of an nginx error log (and its rotated siblings when the window reaches into
/// them), joins multi-line entries, classifies each entry and folds it into incidents. A large file is read in
/// parallel chunks cut where an entry starts, merged in order.
/// </summary>
public static class ErrorLogScanner
{
    public static LogScan Scan(string path, DateTime since, DateTime until, IncidentAggregator incidents, FailureKeys? failures = null, long parallelAbove = ChunkedFile.ParallelAbove)
    {
        var total = new ScanCounters();
        var problems = new List<string>();
        foreach (var file in RotatedLogs.Window(path, since))
        {
            try
            {
                LogLineReader.EnsureRegular(file);
                var (offset, firstLine) = LogLineReader.IsCompressed(file) ? (0L, 1L) : TimeWindowSeeker.Seek(file, since);
                var plan = ChunkedFile.Plan(file, offset, firstLine, StartsEntry, parallelAbove);
                var chunks = ChunkedFile.Read(file, plan, new Chunk(incidents, failures), () => new Chunk(new IncidentAggregator(), failures is null ? null : new FailureKeys()),
                    (chunk, reader) => chunk.Read(file, reader, since, until));
                total.AddChunks(file, chunks, firstLine, problems, (chunk, lineOffset) =>
                {
                    incidents.Merge(chunk.Incidents, lineOffset);
                    if (chunk.Failures is not null)
                    {
                        failures?.Merge(chunk.Failures);
                    }
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(SafeText.Escape(e.Message));
            }
        }

        return total.ToScan(path, "error", problems);
    }

    private static bool StartsEntry(ReadOnlySpan<byte> bytes)
    {
        Span<char> head = stackalloc char[19];
        return bytes.Length >= 19 && Encoding.ASCII.GetChars(bytes[..19], head) == 19 && ErrorLogParser.StartsEntry(head);
    }

    private sealed class Chunk(IncidentAggregator incidents, FailureKeys? failures) : ScanCounters
    {
        public IncidentAggregator Incidents { get; } = incidents;

        public FailureKeys? Failures { get; } = failures;

        public void Read(string file, LogLineReader reader, DateTime since, DateTime until)
        {
            (ErrorLogEntry Entry, long Line, string Text)? pending = null;
            while (reader.TryReadSpan(out var text, out var number, out var oversize))
            {
                Lines++;
                Oversize += oversize ? 1 : 0;
                if (!ErrorLogParser.StartsEntry(text))
                {
                    if (pending is { } p)
                    {
                        pending = (p.Entry with { ContinuationLines = p.Entry.ContinuationLines + 1 }, p.Line, p.Text);
                    }
                    else
                    {
                        Unrecognized++;
                    }

                    continue;
                }

                Flush(file, pending);
                pending = null;
                var line = text.ToString();
                var entry = ErrorLogParser.Parse(line);
                if (entry is null)
                {
                    Unrecognized++;
                    continue;
                }

                if (entry.Time < since || entry.Time > until)
                {
                    continue;
                }

                First ??= entry.Time;
                Last = entry.Time;
                pending = (entry, number, line);
            }

            Flush(file, pending);
            Problem = reader.Problem ?? (reader.CapReached ? $"stopped at the {LogLineReader.MaxDecompressedBytes >> 20} MiB decompression cap" : null);
        }

        private void Flush(string file, (ErrorLogEntry Entry, long Line, string Text)? item)
        {
            if (item is not { } it)
            {
                return;
            }

            Entries++;
            var c = ErrorClassifier.Classify(it.Entry);
            if (c is null)
            {
                return;
            }

            if (c.Kind == ErrorClassifier.Unclassified)
            {
                Unclassified++;
                Sample(file, it.Line, it.Text);
                return;
            }

            Incidents.Add(it.Entry, c, file, it.Line, it.Text);
            if (c.Status is 502 or 504)
            {
                Failures?.Add(it.Entry);
            }
        }
    }
}
