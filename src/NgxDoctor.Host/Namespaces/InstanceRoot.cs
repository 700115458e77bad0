namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// The files as an instance sees them. On the host a path is itself; for a process in another mount namespace it is
/// read through /proc/PID/root, with every symlink resolved inside that root as the kernel would for the process
/// (an absolute target starts again at the root, ".." never climbs above it): a link the container's owner planted
/// toward /etc/shadow names the container's /etc/shadow, never the host's.
/// </summary>
public sealed class InstanceRoot
{
    private const int MaxLinks = 40; // the kernel's own limit (ELOOP)

    public static readonly InstanceRoot Host = new("/");

    public InstanceRoot(string directory) => Directory = directory.TrimEnd('/') is "" ? "/" : directory.TrimEnd('/');

    /// <summary>"/" or "/proc/PID/root".</summary>
    public string Directory { get; }

    public bool IsHost => Directory == "/";

    /// <summary>The host path of the instance's <paramref name="path"/>, its symlinks resolved inside the root.</summary>
    public string Map(string path) => IsHost || !path.StartsWith('/') ? path : Join(Resolve(path, stopAtStdio: false).Parts);

    /// <summary>
    /// 1 or 2 when <paramref name="path"/> is, or links to, the process's own stdout or stderr (/dev/stdout,
    /// /dev/stderr, /proc/self/fd/N, /dev/fd/N): what the writer's descriptor points at, never the reader's.
    /// </summary>
    public int? StdioOf(string path) => path == "stderr" ? 2 : path.StartsWith('/') ? Resolve(path, stopAtStdio: true).Stdio : null;

    private (List<string> Parts, int? Stdio) Resolve(string path, bool stopAtStdio)
    {
        var resolved = new List<string>();
        var pending = new Stack<string>(Parts(path).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            if (stopAtStdio && Stdio(resolved, part) is { } fd)
            {
                return (resolved, fd);
            }

            if (stopAtStdio && part == "self" && resolved is ["proc"])
            {
                // /proc/self is the reader's own; it is kept as written, so that /proc/self/fd/N is recognised.
                resolved.Add(part);
                continue;
            }

            var target = LinkTarget(Join(resolved.Append(part)));
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                return ([.. resolved, part, .. pending], null);
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var p in Parts(target).Reverse())
            {
                pending.Push(p);
            }
        }

        return (resolved, null);
    }

    private static int? Stdio(List<string> resolved, string part)
    {
        var parent = "/" + string.Join('/', resolved);
        return (parent, part) switch
        {
            ("/dev", "stdout") or ("/proc/self/fd", "1") or ("/dev/fd", "1") => 1,
            ("/dev", "stderr") or ("/proc/self/fd", "2") or ("/dev/fd", "2") => 2,
            _ => null,
        };
    }

    /// <summary>The instance's own name of a host path under the root (the inverse of <see cref="Map"/> for display).</summary>
    public string Unmap(string hostPath) => IsHost || !hostPath.StartsWith(Directory + "/", StringComparison.Ordinal) ? hostPath : hostPath[Directory.Length..];

    private string Join(IEnumerable<string> parts) => (IsHost ? "" : Directory) + "/" + string.Join('/', parts);

    private static IEnumerable<string> Parts(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A symlink's target, or null when the path is not one (or cannot be read).</summary>
    public static string? LinkTarget(string path)
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
