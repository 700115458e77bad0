using System.Globalization;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Logs;

/// <summary>A PHP-FPM log entry: "[27-Nov-2026 23:54:00] WARNING: [pool www] message".</summary>
public sealed record FpmLogEntry(DateTime Time, string Level, string? Pool, string Message);

/// <summary>Reads PHP-FPM's log lines and says which ones matter to a 502/504 (as php-fpm 8.2 writes them; FpmCatalogScenarios checks a real one).</summary>
public static class FpmLogParser
{
    /// <summary>The "[27-Nov-2026 23:54:00]" that starts PHP-FPM's log and slowlog lines.</summary>
    public static bool TryTime(string line, out DateTime time)
    {
        time = default;
        return line.Length >= 24 && line[0] == '[' && line[21] == ']'
            && DateTime.TryParseExact(line.AsSpan(1, 20), "dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    public static FpmLogEntry? Parse(string line)
    {
        if (!TryTime(line, out var time))
        {
            return null;
        }

        var rest = line.AsSpan(22).TrimStart();
        var colon = rest.IndexOf(": ");
        if (colon <= 0)
        {
            return null;
        }

        var level = rest[..colon].ToString();
        var message = rest[(colon + 2)..];
        string? pool = null;
        if (message.StartsWith("[pool "))
        {
            var close = message.IndexOf(']');
            if (close > 6)
            {
                pool = message[6..close].ToString();
                message = message[(close + 1)..].TrimStart();
            }
        }

        return new FpmLogEntry(time, level, pool, message.ToString());
    }

    public static Classification? Classify(FpmLogEntry e)
    {
        var m = e.Message;
        if (m.StartsWith("server reached pm.max_children", StringComparison.Ordinal) || m.StartsWith("server reached max_children", StringComparison.Ordinal))
        {
            return new(FailureKind.FpmMaxChildren, Cause.PoolExhausted, "pool", null);
        }

        if (m.StartsWith("seems busy", StringComparison.Ordinal))
        {
            return new(FailureKind.FpmBusy, Cause.PoolExhausted, "pool", null);
        }

        if (m.Contains("execution timed out", StringComparison.Ordinal) && m.EndsWith("terminating", StringComparison.Ordinal))
        {
            return new(FailureKind.FpmTerminated, Cause.UpstreamCrash, "pool", 502);
        }

        if (m.Contains(" exited on signal ", StringComparison.Ordinal))
        {
            return new(m.Contains("signal 9 ", StringComparison.Ordinal) ? FailureKind.FpmKilled : FailureKind.FpmSignal, Cause.UpstreamCrash, "pool", 502);
        }

        if (m.Contains("executing too slow", StringComparison.Ordinal))
        {
            return new(FailureKind.FpmSlow, Cause.UpstreamTimeout, "pool", null);
        }

        return m.StartsWith("unable to bind listening socket", StringComparison.Ordinal)
            ? new(FailureKind.FpmBindFailed, Cause.UpstreamDown, "pool", null)
            : null;
    }
}
