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
}
