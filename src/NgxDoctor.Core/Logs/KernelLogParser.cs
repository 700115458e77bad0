using System.Globalization;

namespace NgxDoctor.Core.Logs;

/// <summary>A process the kernel's OOM killer killed, and the kernel's line that says so.</summary>
public sealed record OomKill(DateTime Time, int Pid, string Process, string Line);

/// <summary>
/// Reads OOM kills from kernel log lines that start with an ISO-8601 time, as `dmesg --time-format iso` and
/// `journalctl -k -o short-iso` print them: "... Out of memory: Killed process 1234 (php-fpm8.2) total-vm:...".
/// </summary>
public static class KernelLogParser
{
    private const string Mark = "Killed process ";

    public static OomKill? Parse(string line)
    {
        var at = line.IndexOf(Mark, StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (at < 0 || space < 19 || !DateTimeOffset.TryParse(line[..space].Replace(',', '.'), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
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

        return new OomKill(time.LocalDateTime, pid, rest[(open + 1)..close].ToString(), line);
    }
}
