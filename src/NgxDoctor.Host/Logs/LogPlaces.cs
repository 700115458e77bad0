using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Logs;

/// <summary>Where a log nginx names is read (<see cref="File"/>), and how evidence names it (<see cref="ShownAs"/>).</summary>
public sealed record LogPlace(string File, string ShownAs);

/// <summary>
/// Finds an instance's logs where they really went: a file through its root; /dev/stdout, /dev/stderr (or a link to
/// them, as the official image has) through the master's descriptor 1 or 2: a file it was started with, Docker's
/// json-file, a CRI log under /var/log/containers; never ngxdoctor's own stdout or stderr. Decoded runtime logs are
/// written to a private directory that <see cref="Dispose"/> removes.
/// </summary>
public sealed class LogPlaces(LocatedInstance located, string procRoot = "/proc") : IDisposable
{
    private string? _scratch;

    public LogPlace? Of(string path, Fact key, List<NotCollected> notes)
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
        var link = LinkOf(fdPath);
        if (link is not null && link.StartsWith('/') && !link.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return new LogPlace(fdPath, $"{link} (nginx's {stream})");
        }

        return FromRuntime(path, stream, link, key, notes);
    }

    public void Dispose()
    {
        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private LogPlace? FromRuntime(string path, string stream, string? link, Fact key, List<NotCollected> notes)
    {
        var container = located.Identity?.Container;
        if (container is { Runtime: "docker" })
        {
            if (container.LogDriver is not "json-file" || container.LogPath is not { } file)
            {
                notes.Add(new NotCollected(key, $"{path} goes to {container.Describe}'s {stream}, kept by its `{container.LogDriver ?? "unknown"}` log driver, which ngxdoctor cannot read (docker logs {container.Name ?? container.ShortId})"));
                return null;
            }

            return Decoded(file, RuntimeLogFormat.DockerJson, stream, $"{file} ({stream} of {container.Describe})", key, notes);
        }

        if (container is not null && CriLog(container.Id) is { } cri)
        {
            return Decoded(cri, RuntimeLogFormat.Cri, stream, $"{cri} ({stream} of {container.Describe})", key, notes);
        }

        notes.Add(new NotCollected(key, $"{path} is nginx's {stream}, {link ?? "unreadable"}: a pipe or socket to its supervisor (systemd's journal: journalctl -u nginx); not read"));
        return null;
    }

    private LogPlace? Decoded(string file, RuntimeLogFormat format, string stream, string shownAs, Fact key, List<NotCollected> notes)
    {
        try
        {
            _scratch ??= Directory.CreateTempSubdirectory("ngxdoctor-logs-").FullName;
            return new LogPlace(RuntimeLogDecoder.Decode(file, format, stream, _scratch), shownAs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add(new NotCollected(key, $"{shownAs}: {e.Message}"));
            return null;
        }
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

    private static string? LinkOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
