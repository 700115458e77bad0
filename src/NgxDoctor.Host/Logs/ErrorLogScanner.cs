using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Reads the window [since, until] of an nginx error log (and its rotated siblings when the window reaches into
/// them), joins multi-line entries, classifies each entry and folds it into incidents.
/// </summary>
public static class ErrorLogScanner
{
    public static LogScan Scan(string path, DateTime since, DateTime until, IncidentAggregator incidents, FailureKeys? failures = null)
    {
        long lines = 0, entries = 0, unclassified = 0, unrecognized = 0, oversize = 0;
        DateTime? first = null, last = null;
        var unclassifiedSamples = new List<LogSample>();
        var problems = new List<string>();
        foreach (var file in RotatedLogs.Window(path, since))
        {
            try
            {
                LogLineReader.EnsureRegular(file);
                var (offset, firstLine) = file.EndsWith(".gz", StringComparison.Ordinal) ? (0L, 1L) : TimeWindowSeeker.Seek(file, since);
                using var reader = LogLineReader.Open(file, offset, firstLine);
                (ErrorLogEntry Entry, LogLine Line)? pending = null;
                while (reader.TryRead(out var line))
                {
                    lines++;
                    oversize += line.Oversize ? 1 : 0;
                    if (!ErrorLogParser.StartsEntry(line.Text))
                    {
                        if (pending is { } p)
                        {
                            pending = (p.Entry with { ContinuationLines = p.Entry.ContinuationLines + 1 }, p.Line);
                        }
                        else
                        {
                            unrecognized++;
                        }

                        continue;
                    }

                    Flush(pending);
                    pending = null;
                    var entry = ErrorLogParser.Parse(line.Text);
                    if (entry is null)
                    {
                        unrecognized++;
                        continue;
                    }

                    if (entry.Time < since || entry.Time > until)
                    {
                        continue;
                    }

                    first ??= entry.Time;
                    last = entry.Time;
                    pending = (entry, line);
                }

                Flush(pending);
                if (reader.Problem is { } problem)
                {
                    problems.Add($"{file}: {problem}");
                }

                if (reader.CapReached)
                {
                    problems.Add($"{file}: stopped at the {LogLineReader.MaxDecompressedBytes >> 20} MiB decompression cap");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(SafeText.Escape(e.Message));
            }

            void Flush((ErrorLogEntry Entry, LogLine Line)? item)
            {
                if (item is not { } it)
                {
                    return;
                }

                entries++;
                var c = ErrorClassifier.Classify(it.Entry);
                if (c is null)
                {
                    return;
                }

                if (c.Kind == ErrorClassifier.Unclassified)
                {
                    unclassified++;
                    if (unclassifiedSamples.Count < 5)
                    {
                        unclassifiedSamples.Add(IncidentAggregator.Sample(file, it.Line.Number, it.Line.Text));
                    }

                    return;
                }

                incidents.Add(it.Entry, c, file, it.Line.Number, it.Line.Text);
                if (c.Status is 502 or 504)
                {
                    failures?.Add(it.Entry);
                }
            }
        }

        return new LogScan(path, "error", lines, entries, unclassified, unrecognized, oversize, first, last, problems.Count == 0 ? null : string.Join("; ", problems))
        {
            UnclassifiedSamples = unclassifiedSamples,
        };
    }
}
