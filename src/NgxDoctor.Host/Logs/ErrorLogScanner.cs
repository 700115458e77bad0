using System.Runtime.CompilerServices;
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
    /// <param name="zone">The zone nginx writes its times in, when not this host's: lines are read in it, counted in local time.</param>
    public static LogScan Scan(string path, DateTime since, DateTime until, IncidentAggregator incidents, FailureKeys? failures = null, long parallelAbove = ChunkedFile.ParallelAbove, string? shownAs = null, LogZone? zone = null)
    {
        var total = new ScanCounters();
        var problems = new List<string>();
        foreach (var file in RotatedLogs.Window(path, since))
        {
            try
            {
                LogLineReader.EnsureRegular(file);
                var (offset, firstLine) = LogLineReader.IsCompressed(file) ? (0L, 1L) : TimeWindowSeeker.Seek(file, zone?.ToWall(since) ?? since);
                var plan = ChunkedFile.Plan(file, offset, firstLine, StartsEntry, parallelAbove);
                var chunks = ChunkedFile.Read(file, plan, new Chunk(incidents, failures, zone), () => new Chunk(new IncidentAggregator(), failures is null ? null : new FailureKeys(), zone is null ? null : new LogZone(zone.Zone)),
                    (chunk, reader) => chunk.Read(shownAs ?? file, reader, since, until));
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

        return total.ToScan(shownAs ?? path, "error", problems);
    }

    private static bool StartsEntry(ReadOnlySpan<byte> bytes)
    {
        Span<char> head = stackalloc char[19];
        return bytes.Length >= 19 && Encoding.ASCII.GetChars(bytes[..19], head) == 19 && ErrorLogParser.StartsEntry(head);
    }

    private sealed class Chunk(IncidentAggregator incidents, FailureKeys? failures, LogZone? zone) : ScanCounters
    {
        public IncidentAggregator Incidents { get; } = incidents;

        public FailureKeys? Failures { get; } = failures;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(string file, LogLineReader reader, DateTime since, DateTime until)
        {
            // Continuation lines (multi-line FastCGI stderr) belong to the entry before; nothing in them changes its class.
            var inEntry = false;
            while (reader.TryReadSpan(out var text, out var number, out var oversize))
            {
                Lines++;
                Oversize += oversize ? 1 : 0;
                if (!ErrorLogParser.TryParse(text, out var line))
                {
                    Unrecognized += inEntry && !ErrorLogParser.StartsEntry(text) ? 0 : 1;
                    continue;
                }

                inEntry = true;
                var time = zone?.ToLocal(line.Time) ?? line.Time;
                if (time < since || time > until)
                {
                    continue;
                }

                First ??= time;
                Last = time;
                Entries++;
                Add(file, line, time, number, text);
            }

            Problem = reader.Problem ?? (reader.CapReached ? $"stopped at the {LogLineReader.MaxDecompressedBytes >> 20} MiB decompression cap" : null);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Add(string file, in ErrorLogLine line, DateTime time, long number, ReadOnlySpan<char> text)
        {
            var c = ErrorClassifier.Classify(line);
            if (c is null)
            {
                return;
            }

            if (c.Kind == FailureKind.Unclassified)
            {
                Unclassified++;
                Sample(file, number, text.ToString());
            }

            // Unclassified lines are incidents too: a failure no check knows is still a failure to account for.
            var upstream = ErrorClassifier.Peer(line, out var peer) ? peer : IncidentAggregator.NoUpstreamKey;
            Incidents.Add(c, upstream, time, file, number, text);
            if (c.Status >= 500 || c.Kind == FailureKind.Unclassified)
            {
                Failures?.Add(line, time);
            }
        }
    }
}
