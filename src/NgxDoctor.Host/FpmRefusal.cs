using NgxDoctor.Config;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host;

/// <summary>
/// Why an installed PHP-FPM is not running, in its own words: the ALERT and ERROR lines of its error log since it
/// last started or stopped, when they end in its failed start ("FPM initialization failed") (`pm.min_spare_servers(1) and pm.max_spare_servers(3) cannot be greater than
/// pm.max_children(1)`, `FPM initialization failed`), from the last 64 KiB of the log, read as a regular file only.
/// </summary>
public static class FpmRefusal
{
    private const int Tail = 64 * 1024;
    private const int MaxLines = 4;

    public static IReadOnlyList<LogQuote> Read(string log)
    {
        if (!log.StartsWith('/') || TailOf(log) is not { } text)
        {
            return [];
        }

        var lines = text.Split('\n');
        var quotes = new List<LogQuote>();
        // Line numbers count from the tail's first whole line (the log's own numbering is not known without reading it all).
        for (var i = lines.Length - 1; i >= 0 && quotes.Count < MaxLines; i--)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Contains("NOTICE: fpm is running", StringComparison.Ordinal) || line.Contains("NOTICE: exiting, bye-bye", StringComparison.Ordinal))
            {
                break;
            }

            if (line.Contains("] ALERT: ", StringComparison.Ordinal) || line.Contains("] ERROR: ", StringComparison.Ordinal))
            {
                quotes.Insert(0, new LogQuote(log, NgxDoctor.Core.Text.SafeText.Escape(NgxDoctor.Core.Text.Redactor.Line(line), 400)));
            }
        }

        // Only a start that failed is a refusal (php-fpm ends it with this line); errors of a running master are not.
        return quotes.Any(q => q.Text.Contains("FPM initialization failed", StringComparison.Ordinal)) ? quotes : [];
    }

    private static string? TailOf(string path)
    {
        try
        {
            using var stream = RegularFile.Open(path, followLinks: false);
            stream.Seek(Math.Max(0, stream.Length - Tail), SeekOrigin.Begin);
            var buffer = new byte[Tail];
            var n = stream.ReadAtLeast(buffer, Tail, throwOnEndOfStream: false);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigParseException)
        {
            return null;
        }
    }
}
