using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Logs;

/// <summary>Streams a log from the first line of the window on, found by bisecting on each line's time.</summary>
public static class LogWindow
{
    /// <returns>Why the log could not be read (escaped for printing), or null once every line was handed over.</returns>
    public static string? Read(string path, DateTime since, Func<string, DateTime?> timeOf, Action<LogLine> onLine)
    {
        try
        {
            LogLineReader.EnsureRegular(path);
            var (offset, firstLine) = TimeWindowSeeker.Seek(path, since, timeOf);
            using var reader = LogLineReader.Open(path, offset, firstLine);
            while (reader.TryRead(out var line))
            {
                onLine(line);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return SafeText.Escape(ex.Message);
        }
    }

    /// <summary>
    /// A backend's log read over the window: lines counted, entries parsed, those inside the window handed to
    /// <paramref name="onEntry"/>; the scan says how many of each and the first and last time seen.
    /// </summary>
    public static LogScan Scan<T>(string path, string shownAs, string kind, DateTime since, DateTime until, Func<string, T?> parse, Func<T, DateTime> timeOf, Action<T, LogLine> onEntry)
        where T : class
    {
        long lines = 0, entries = 0, unrecognized = 0;
        DateTime? first = null, last = null;
        var problem = Read(path, since, l => parse(l) is { } e ? timeOf(e) : null, line =>
        {
            lines++;
            if (parse(line.Text) is not { } e)
            {
                unrecognized++;
                return;
            }

            var time = timeOf(e);
            if (time < since || time > until)
            {
                return;
            }

            entries++;
            first ??= time;
            last = time;
            onEntry(e, line);
        });
        return new LogScan(shownAs, kind, lines, entries, 0, unrecognized, 0, first, last, problem);
    }
}
