using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Logs;

/// <summary>Reads the window of an access log (and rotated siblings) with its own log_format, into the aggregator.</summary>
public static class AccessLogScanner
{
    public const int UnparsedSamples = 5;

    public static LogScan Scan(string path, AccessLineParser parser, DateTime since, DateTime until, AccessAggregator aggregator)
    {
        long lines = 0, entries = 0, unrecognized = 0, oversize = 0;
        DateTime? first = null, last = null;
        var samples = new List<LogSample>();
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
                var (offset, firstLine) = file.EndsWith(".gz", StringComparison.Ordinal) ? (0L, 1L) : TimeWindowSeeker.Seek(file, since, l => parser.Parse(l)?.Time);
                using var reader = LogLineReader.Open(file, offset, firstLine);
                while (reader.TryRead(out var line))
                {
                    lines++;
                    oversize += line.Oversize ? 1 : 0;
                    var record = parser.Parse(line.Text);
                    if (record is null)
                    {
                        unrecognized++;
                        if (samples.Count < UnparsedSamples)
                        {
                            samples.Add(new LogSample($"{file}:{line.Number}", SafeText.Escape(line.Text, IncidentAggregator.SampleChars)));
                        }

                        continue;
                    }

                    if (record.Time is { } t && (t < since || t > until))
                    {
                        continue;
                    }

                    entries++;
                    first ??= record.Time;
                    last = record.Time ?? last;
                    aggregator.Add(record, $"{file}:{line.Number}", line.Text);
                }

                if (reader.Problem is { } problem)
                {
                    problems.Add($"{file}: {problem}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(SafeText.Escape(e.Message));
            }
        }

        return new LogScan(path, "access", lines, entries, 0, unrecognized, oversize, first, last, problems.Count == 0 ? null : string.Join("; ", problems))
        {
            UnclassifiedSamples = samples,
        };
    }
}
