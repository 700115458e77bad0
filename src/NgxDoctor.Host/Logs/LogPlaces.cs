using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Logs;

/// <summary>Where a log nginx names is read (<see cref="File"/>), and how evidence names it (<see cref="ShownAs"/>).</summary>
public sealed record LogPlace(string File, string ShownAs) : ILogSource;

/// <summary>A container runtime's log of nginx's stdout or stderr, undecoded: what `watch` follows line by line.</summary>
public sealed record RuntimeLog(string File, RuntimeLogFormat Format, string Stream, string ShownAs) : ILogSource;

/// <summary>Where a log is read: a file as it is, or a runtime's log to decode.</summary>
public interface ILogSource;

/// <summary>
/// Finds an instance's logs where they really went: a file through its root; /dev/stdout, /dev/stderr (or a link to
/// them, as the official image has) through the master's descriptor 1 or 2: a file it was started with, Docker's
/// json-file, a CRI log under /var/log/containers; never ngxdoctor's own stdout or stderr. Decoded runtime logs are
/// written to a private directory that <see cref="Dispose"/> removes.
/// </summary>
public sealed partial class LogPlaces(LocatedInstance located, string procRoot = "/proc") : IDisposable
{
    private string? _scratch;

    public LogPlace? Of(string path, Fact key, List<NotCollected> notes) =>
        Find(path, key, notes) switch
        {
            LogPlace place => place,
            RuntimeLog log => Decoded(log, key, notes),
            _ => null,
        };

    /// <summary>Where to follow the log: a file (<see cref="LogPlace"/>), a runtime's log to decode per line (<see cref="RuntimeLog"/>), or null (a note says why).</summary>
    public ILogSource? Find(string path, Fact key, List<NotCollected> notes)
    {
        var root = located.From.Root;
        if (root.StdioOf(path) is not { } fd)
        {
            return new LogPlace(root.Map(path), path);
        }

        var stream = fd == 1 ? "stdout" : "stderr";
        if (located.Instance is not { } master)
        {
            notes.Add(new NotCollected(key, $"{path} is the {stream} of an nginx that is not running: nothing to read"));
            return null;
        }

        var fdPath = Path.Combine(procRoot, master.MasterPid.ToString(CultureInfo.InvariantCulture), "fd", fd.ToString(CultureInfo.InvariantCulture));
        var link = InstanceRoot.LinkTarget(fdPath);
        if (link is not null && link.StartsWith('/') && !link.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return new LogPlace(fdPath, $"{link} (nginx's {stream})");
        }

        return FromRuntime(path, stream, link, key, notes);
    }

    /// <summary>
    /// `error_log syslog:server=unix:/dev/log` (or journald's own dev-log): the journal's entries of nginx's tag since
    /// <paramref name="since"/>, read with journalctl; a remote or other syslog server is named, not read.
    /// </summary>
    public LogPlace? OfSyslog(string target, DateTime since, Fact key, List<NotCollected> notes)
    {
        if (JournalTag(target, key, notes) is not { } tag)
        {
            return null;
        }

        // journald takes nginx's "HOSTNAME TAG: " header into the message (nginx writes RFC 3164 with a hostname), so
        // entries are chosen by the sending program and the tag before nginx's own timestamp.
        var r = CommandRunner.RunAsync("journalctl", ["-o", "cat", "-q", "--no-pager", "-n", "200000", "--since", since.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), "_COMM=nginx"], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        if (r.ExitCode != 0 || r.TimedOut)
        {
            notes.Add(new NotCollected(key, $"{target}: {r.CommandLine}: {(r.TimedOut ? "timed out" : r.Output.Split('\n')[0])}"));
            return null;
        }

        _scratch ??= Directory.CreateTempSubdirectory("ngxdoctor-logs-").FullName;
        var file = Path.Combine(_scratch, $"journal-{tag}");
        File.WriteAllLines(file, r.Output.Split('\n').Select(l => EntryOf(l, tag)).OfType<string>());
        return new LogPlace(file, $"the journal ({tag})");
    }

    /// <summary>The tag nginx's entries carry when <paramref name="target"/> is this host's journal; null (a note says why) otherwise.</summary>
    public string? JournalTag(string target, Fact key, List<NotCollected> notes)
    {
        var options = target["syslog:".Length..].Split(',').Select(o => o.Split('=', 2)).Where(o => o.Length == 2).ToDictionary(o => o[0], o => o[1], StringComparer.Ordinal);
        var server = options.GetValueOrDefault("server") ?? "";
        if (!server.StartsWith("unix:", StringComparison.Ordinal) || !located.From.Root.IsHost || !IsJournal(server["unix:".Length..]))
        {
            notes.Add(new NotCollected(key, $"{target}: sent to the syslog server {server}, {(located.From.Root.IsHost ? "which is not this host's journal" : "inside the container")}; not read"));
            return null;
        }

        return options.GetValueOrDefault("tag") ?? "nginx";
    }

    /// <summary>nginx's error-log line in a journal message "web1 nginx: 2026/12/01 10:00:00 [error] ...", when the tag is <paramref name="tag"/>.</summary>
    public static string? EntryOf(string message, string tag)
    {
        var m = ErrorLogStart().Match(message);
        return m.Success && (m.Index == 0 || message[..m.Index].EndsWith($" {tag}: ", StringComparison.Ordinal) || message[..m.Index] == $"{tag}: ") ? message[m.Index..] : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[")]
    private static partial System.Text.RegularExpressions.Regex ErrorLogStart();

    /// <summary>journald's syslog socket, directly or through /dev/log's link.</summary>
    private static bool IsJournal(string socket) =>
        socket == JournalSocket || (InstanceRoot.LinkTarget(socket) is { } target && Path.GetFullPath(target, Path.GetDirectoryName(socket) ?? "/") == JournalSocket);

    private const string JournalSocket = "/run/systemd/journal/dev-log";

    public void Dispose()
    {
        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private RuntimeLog? FromRuntime(string path, string stream, string? link, Fact key, List<NotCollected> notes)
    {
        var container = located.Identity?.Container;
        if (container is { Runtime: "docker" })
        {
            if (container.LogDriver is not "json-file" || container.LogPath is not { } file)
            {
                notes.Add(new NotCollected(key, $"{path} goes to {container.Describe}'s {stream}, kept by its `{container.LogDriver ?? "unknown"}` log driver, which ngxdoctor cannot read (docker logs {container.Name ?? container.ShortId})"));
                return null;
            }

            if (WhyNotRuntimeLog(file, $"{container.Id}-json.log") is { } refused)
            {
                notes.Add(new NotCollected(key, $"{path} goes to {container.Describe}'s {stream}: {refused}"));
                return null;
            }

            return new RuntimeLog(file, RuntimeLogFormat.DockerJson, stream, $"{file} ({stream} of {container.Describe})");
        }

        if (container is not null && CriLog(container.Id) is { } cri && Config.FileTrust.WhyNotDisclosable(cri) is null)
        {
            return new RuntimeLog(cri, RuntimeLogFormat.Cri, stream, $"{cri} ({stream} of {container.Describe})");
        }

        notes.Add(new NotCollected(key, $"{path} is nginx's {stream}, {link ?? "unreadable"}: a pipe or socket to its supervisor (systemd's journal: journalctl -u nginx); not read"));
        return null;
    }

    private LogPlace? Decoded(RuntimeLog log, Fact key, List<NotCollected> notes)
    {
        try
        {
            _scratch ??= Directory.CreateTempSubdirectory("ngxdoctor-logs-").FullName;
            return new LogPlace(RuntimeLogDecoder.Decode(log.File, log.Format, log.Stream, _scratch), log.ShownAs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add(new NotCollected(key, $"{log.ShownAs}: {e.Message}"));
            return null;
        }
    }

    /// <summary>The engine's log file of a container is root's regular file of that container's name, never a link elsewhere.</summary>
    private static string? WhyNotRuntimeLog(string file, string name)
    {
        var status = Config.UnixFileStatus.Of(file, followSymlinks: false);
        return Path.GetFileName(file) != name ? $"the engine names {file} as its log, not a file named {name}; not read"
            : status.Kind != Config.UnixFileKind.Regular || status.Uid != 0 ? $"{file} is not a regular file of root's; not read"
            : null;
    }

    /// <summary>The kubelet's link to a CRI container's log: /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log.</summary>
    private static string? CriLog(string id)
    {
        try
        {
            return Directory.Exists("/var/log/containers") ? Directory.EnumerateFiles("/var/log/containers", $"*-{id}.log").FirstOrDefault() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
