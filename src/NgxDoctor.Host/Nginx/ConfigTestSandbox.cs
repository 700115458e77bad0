using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Config.Logs;

namespace NgxDoctor.Host.Nginx;

/// <summary>
/// `nginx -t` as root writes: it opens (creates) every log, writes the pid file, creates and chowns the temp and
/// cache directories. It is run in a private mount namespace (unshare) where each directory it may write in is an
/// overlay whose upper layer is a tmpfs, and each existing log or pid file is /dev/null (so no log is copied up): its
/// writes vanish with the namespace, and the host's files are as they were.
/// </summary>
public static class ConfigTestSandbox
{
    private const string Marker = "ngxdoctor-sandbox:";
    private const string UnshareSays = "unshare: ";

    // PATH is root's system directories only: mount and mkdir are never taken from a directory another user may write.
    private const string Script = """
        PATH=/usr/sbin:/usr/bin:/sbin:/bin; export PATH
        t=$1; n=$2; shift 2
        mount -t tmpfs -o mode=0700 ngxdoctor "$t" || { echo "ngxdoctor-sandbox: no tmpfs" >&2; exit 201; }
        i=0
        while [ "$i" -lt "$n" ]; do
          mkdir "$t/u$i" "$t/w$i"
          mount -t overlay ngxdoctor -o "lowerdir=$1,upperdir=$t/u$i,workdir=$t/w$i" "$1" || { echo "ngxdoctor-sandbox: no overlay on $1" >&2; exit 202; }
          shift; i=$((i+1))
        done
        while [ "$1" != "--" ]; do mount --bind /dev/null "$1" || { echo "ngxdoctor-sandbox: cannot cover $1" >&2; exit 203; }; shift; done
        shift
        exec "$@"
        """;

    /// <summary>
    /// Whether a run's output is the sandbox's own failure, not nginx's: the script's, or unshare's (a container without
    /// CAP_SYS_ADMIN: "unshare: unshare failed: Operation not permitted"), which is no verdict on the configuration.
    /// </summary>
    public static string? Failure(CommandResult r) =>
        r.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal) || l.StartsWith(UnshareSays, StringComparison.Ordinal)) is { } line
            ? (line.StartsWith(Marker, StringComparison.Ordinal) ? line[Marker.Length..].Trim() : line)
            : null;

    /// <summary>The unshare command line that runs <paramref name="nginx"/> with <paramref name="args"/> in the sandbox, or why it cannot be made.</summary>
    /// <param name="map">How the instance's paths are reached from here (through its root, for a private mount namespace).</param>
    /// <param name="mounts">The mount namespace to enter first (/proc/PID/ns/mnt of a master with private mounts); null for the host's.</param>
    public static (string? File, IReadOnlyList<string> Args, string? Why) Command(NginxConfig config, NginxBinary binary, string prefix, string scratch, string nginx, IReadOnlyList<string> args,
        Func<string, string>? map = null, string? mounts = null)
    {
        if (CommandRunner.Which("unshare") is not { } unshare)
        {
            return (null, [], "unshare (util-linux) is missing");
        }

        string? nsenter = null;
        if (mounts is not null && (nsenter = CommandRunner.Which("nsenter")) is null)
        {
            return (null, [], "nsenter (util-linux) is missing");
        }

        var (dirs, files) = WrittenPaths(config, binary, prefix, map ?? (p => p));
        if (dirs.Concat(files).FirstOrDefault(p => p.IndexOfAny([',', ':', '\\', '\n']) >= 0 || p == "/" || p == "--") is { } odd)
        {
            return (null, [], $"{odd} cannot be covered by an overlay");
        }

        List<string> argv = ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", Script, "sh", scratch, dirs.Count.ToString(CultureInfo.InvariantCulture), .. dirs, .. files, "--", nginx, .. args];
        return nsenter is null ? (unshare, argv, null) : (nsenter, ["--mount=" + mounts, "--", unshare, .. argv], null);
    }

    /// <summary>The directories nginx -t may write in (topmost only, each the nearest existing one) and the existing files it opens for writing.</summary>
    public static (IReadOnlyList<string> Dirs, IReadOnlyList<string> Files) WrittenPaths(NginxConfig config, NginxBinary binary, string prefix, Func<string, string>? map = null)
    {
        map ??= p => p;
        var targets = LogDiscovery.Find(config, prefix);
        var paths = targets.ErrorLogs.Where(e => e.IsFile).Select(e => e.Path)
            .Concat(targets.AccessLogs.Where(a => a.IsFile).Select(a => a.Path))
            .Concat(binary.WrittenPaths)
            .Concat(binary.ErrorLogPath is { } e ? [e] : [])
            .Concat(config.Walk().Select(x => x.Directive)
                .Where(d => d.Args.Count > 0 && (d.Name is "pid" or "lock_file" || d.Name.EndsWith("_temp_path", StringComparison.Ordinal) || d.Name.EndsWith("_cache_path", StringComparison.Ordinal)))
                .Select(d => d.Arg(0)))
            .Select(p => Path.IsPathRooted(p) ? Path.GetFullPath(p) : Path.GetFullPath(Path.Combine(prefix, p)))
            .Distinct(StringComparer.Ordinal).ToList();
        // A FIFO or device named as a log is covered too: nginx -t would block opening a FIFO that nobody reads.
        var files = paths.Where(p => UnixFileStatus.Of(map(p)).Kind is not (UnixFileKind.Missing or UnixFileKind.Directory)).ToList();
        var dirs = paths.Select(p => UnixFileStatus.Of(map(p)).Kind == UnixFileKind.Directory ? Path.GetDirectoryName(p) ?? "/" : Existing(Path.GetDirectoryName(p) ?? "/", map))
            .Distinct(StringComparer.Ordinal).ToList();
        var topmost = dirs.Where(d => !dirs.Any(o => o != d && (o == "/" || d.StartsWith(o + "/", StringComparison.Ordinal)))).Order(StringComparer.Ordinal).ToList();
        return (topmost, files);
    }

    private static string Existing(string dir, Func<string, string> map)
    {
        while (dir != "/" && UnixFileStatus.Of(map(dir)).Kind != UnixFileKind.Directory)
        {
            dir = Path.GetDirectoryName(dir) ?? "/";
        }

        return dir;
    }
}
