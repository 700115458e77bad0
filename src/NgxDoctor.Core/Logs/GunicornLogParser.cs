using System.Globalization;
using System.Text.RegularExpressions;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Logs;

/// <summary>A gunicorn error-log entry: "[2026-12-01 21:17:37 +0000] [3348] [CRITICAL] WORKER TIMEOUT (pid:3350)".</summary>
public sealed record GunicornLogEntry(DateTime Time, int Pid, string Level, string Message);

/// <summary>
/// Reads gunicorn's error log and says which entries are a worker's death: the arbiter's WORKER TIMEOUT (a request
/// ran past --timeout and the worker was killed), and a worker ended by a signal or an exit code, as gunicorn 20
/// ("Worker with pid 3353 was terminated due to signal 11") and 21+ ("Worker (pid:3353) was sent SIGKILL! Perhaps out
/// of memory?", "Worker (pid:3353) exited with code 1") write them.
/// </summary>
public static partial class GunicornLogParser
{
    private static readonly Dictionary<int, string> Signals = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [4] = "SIGILL", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [11] = "SIGSEGV", [15] = "SIGTERM",
    };

    public static GunicornLogEntry? Parse(string line)
    {
        var m = Entry().Match(line);
        if (!m.Success || !DateTime.TryParseExact(m.Groups["time"].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return null;
        }

        var zone = m.Groups["zone"].Value;
        var offset = new TimeSpan(int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture), int.Parse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture), 0) * (zone[0] == '-' ? -1 : 1);
        var local = new DateTimeOffset(time, offset).LocalDateTime;
        return new GunicornLogEntry(local, int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture), m.Groups["level"].Value, m.Groups["message"].Value);
    }

    public static DateTime? TimeOf(string line) => Parse(line)?.Time;

    public static Classification? Classify(GunicornLogEntry e) =>
        e.Message.StartsWith("WORKER TIMEOUT", StringComparison.Ordinal) ? new(FailureKind.GunicornTimeout, Cause.UpstreamCrash, "worker", 502)
        : Died().IsMatch(e.Message) ? new(FailureKind.GunicornSignal, Cause.UpstreamCrash, "worker", 502)
        : null;

    /// <summary>"SIGSEGV" for "... due to signal 11"; the name itself for "was sent SIGKILL!"; "exit code 1"; null for other lines.</summary>
    public static string? HowDied(string text)
    {
        var m = Died().Match(text);
        return !m.Success ? null
            : m.Groups["signal"].Success ? (int.TryParse(m.Groups["signal"].Value, CultureInfo.InvariantCulture, out var n) ? Signals.GetValueOrDefault(n, $"signal {n}") : m.Groups["signal"].Value)
            : $"exit code {m.Groups["code"].Value}";
    }

    [GeneratedRegex(@"^\[(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?<zone>[+-]\d{4})\] \[(?<pid>\d+)\] \[(?<level>[A-Z]+)\] (?<message>.*)$")]
    private static partial Regex Entry();

    [GeneratedRegex(@"^Worker (?:with pid \d+ was terminated due to signal (?<signal>\d+)|\(pid:\d+\) was sent (?:code (?<code>\d+)|(?<signal>SIG[A-Z]+))|\(pid:\d+\) exited with code (?<code>\d+))")]
    private static partial Regex Died();
}
