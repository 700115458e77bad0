using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Watch;

/// <summary>Lines as they are written: a followed file, or the journal.</summary>
public interface ILineSource : IDisposable
{
    /// <summary>Why nothing can be read now; null while it can.</summary>
    string? Problem { get; }

    IReadOnlyList<string> Poll();
}

/// <summary>
/// `error_log syslog:` to this host's journal, followed: at most once a second, `journalctl` (root's own binary) is
/// asked for nginx's entries after the cursor of the last ones read (from the watch's start at first), and each
/// message is turned back into nginx's error-log line of that tag. Asked, not `journalctl -f`: a follow relies on
/// inotify seeing journald's writes, which it does not everywhere.
/// </summary>
public sealed class JournalFollower(string tag, Func<DateTime>? clock = null) : ILineSource
{
    private const string CursorPrefix = "-- cursor: ";
    private readonly Func<DateTime> _now = clock ?? (() => DateTime.Now);
    private readonly string _since = (clock ?? (() => DateTime.Now))().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
    private string? _cursor;
    private DateTime _asked = DateTime.MinValue;

    public string? Problem { get; private set; }

    public IReadOnlyList<string> Poll()
    {
        if (_now() - _asked < TimeSpan.FromSeconds(1))
        {
            return [];
        }

        _asked = _now();
        string[] from = _cursor is null ? ["--since", _since] : ["--after-cursor", _cursor];
        var r = CommandRunner.RunAsync("journalctl", ["-o", "cat", "-q", "--no-pager", "--show-cursor", .. from, "_COMM=nginx"], TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        if (r.ExitCode != 0 || r.TimedOut)
        {
            Problem = $"{r.CommandLine}: {(r.TimedOut ? "timed out" : r.Output.Split('\n')[0])}";
            return [];
        }

        Problem = null;
        var lines = r.Output.Split('\n');
        if (lines.LastOrDefault(l => l.StartsWith(CursorPrefix, StringComparison.Ordinal)) is { } cursor)
        {
            _cursor = cursor[CursorPrefix.Length..].Trim();
        }

        return lines.Where(l => !l.StartsWith(CursorPrefix, StringComparison.Ordinal)).Select(l => LogPlaces.EntryOf(l, tag)).OfType<string>().ToList();
    }

    public void Dispose()
    {
    }
}
