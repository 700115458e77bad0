using System.Globalization;

namespace NgxDoctor.Core.Logs;

/// <summary>
/// PHP-FPM's slowlog, one entry per request that ran past request_slowlog_timeout:
/// "[28-Nov-2026 08:03:45]  [pool www] pid 32648", "script_filename = /var/www/slow.php", then the stack,
/// innermost call first: "[0x00007f4a2c0150c0] sleep() /var/www/slow.php:2".
/// </summary>
public static class FpmSlowlog
{
    private const string ScriptKey = "script_filename = ";

    public static (DateTime Time, string Pool, int Pid)? Header(string line)
    {
        if (!FpmLogParser.TryTime(line, out var time))
        {
            return null;
        }

        var rest = line.AsSpan(22).TrimStart();
        var close = rest.IndexOf(']');
        if (!rest.StartsWith("[pool ") || close < 6 || !rest[(close + 1)..].TrimStart().StartsWith("pid ")
            || !int.TryParse(rest[(close + 1)..].TrimStart()[4..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        return (time, rest[6..close].ToString(), pid);
    }

    public static string? Script(string line) => line.StartsWith(ScriptKey, StringComparison.Ordinal) ? line[ScriptKey.Length..] : null;

    /// <summary>"sleep() /var/www/slow.php:2" from a stack line; null for any other line.</summary>
    public static string? Frame(string line)
    {
        var close = line.IndexOf("] ", StringComparison.Ordinal);
        return line.StartsWith("[0x", StringComparison.Ordinal) && close > 3 ? line[(close + 2)..] : null;
    }
}

/// <summary>One slowlog entry: when, which pool and child, the script, its innermost frame and the line the entry starts on.</summary>
public sealed record FpmSlowEntry(DateTime Time, string Pool, int Pid, string Script, string? Frame, long LineNumber);

/// <summary>Slow requests counted by pool and script, with a bound on how many scripts are told apart.</summary>
public sealed class FpmSlowTally
{
    private const int MaxScripts = 1000;
    private readonly Dictionary<(string Pool, string Script), Facts.FpmSlowScript> _scripts = [];

    public long Dropped { get; private set; }

    public void Add(FpmSlowEntry e, string slowlog)
    {
        var key = (e.Pool, e.Script);
        if (_scripts.TryGetValue(key, out var s))
        {
            _scripts[key] = s with { Count = s.Count + 1, Last = e.Time };
        }
        else if (_scripts.Count < MaxScripts)
        {
            _scripts[key] = new Facts.FpmSlowScript(e.Pool, e.Script, 1, e.Time, e.Time, slowlog, e.LineNumber, e.Frame);
        }
        else
        {
            Dropped++;
        }
    }

    public IReadOnlyList<Facts.FpmSlowScript> Top(int n) =>
        [.. _scripts.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Script, StringComparer.Ordinal).Take(n)];
}
