using System.Globalization;

namespace NgxDoctor.Core.Logs;

/// <summary>A process the kernel's OOM killer killed, and the kernel's line that says so.</summary>
public sealed record OomKill(DateTime Time, int Pid, string Process, string Line);

/// <summary>
/// Reads OOM kills from kernel log lines that start with an ISO-8601 time, as `dmesg --time-format iso`,
/// `journalctl -k -o short-iso` and rsyslog's default file format print them, or with syslog's classic
/// "Nov 28 02:59:00" (kern.log): "... Out of memory: Killed process 1234 (php-fpm8.2) total-vm:...".
/// </summary>
public static class KernelLogParser
{
    public const string Mark = "Killed process ";

    /// <param name="now">Gives the classic syslog time its year: the latest one that does not put the line in the future.</param>
    public static OomKill? Parse(string line, DateTime now)
    {
        var at = line.IndexOf(Mark, StringComparison.Ordinal);
        if (at < 0 || Time(line, now) is not { } time)
        {
            return null;
        }

        var rest = line.AsSpan(at + Mark.Length);
        var sp = rest.IndexOf(' ');
        var open = rest.IndexOf('(');
        var close = rest.IndexOf(')');
        if (sp <= 0 || !int.TryParse(rest[..sp], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || open < 0 || close < open)
        {
            return null;
        }

        return new OomKill(time, pid, rest[(open + 1)..close].ToString(), line);
    }

    public static DateTime? Time(string line, DateTime now)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 19 && DateTimeOffset.TryParse(line[..space].Replace(',', '.'), CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso))
        {
            return iso.LocalDateTime;
        }

        // "Nov 28 02:59:00" or "Nov  8 02:59:00", local time without a year.
        if (line.Length < 15 || !DateTime.TryParseExact(line[..15].Replace("  ", " 0", StringComparison.Ordinal), "MMM dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var classic))
        {
            return null;
        }

        var dated = new DateTime(now.Year, classic.Month, classic.Day, classic.Hour, classic.Minute, classic.Second, DateTimeKind.Local);
        return dated > now.AddDays(1) ? dated.AddYears(-1) : dated;
    }
}
