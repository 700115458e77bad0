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
    public string Map(string path)
    {
        if (IsHost || !path.StartsWith('/'))
        {
            return path;
        }

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

            var candidate = Join(resolved.Append(part));
            var target = LinkTarget(candidate);
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                return Join(resolved.Append(part).Concat(pending));
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

        return Join(resolved);
    }

    /// <summary>The instance's own name of a host path under the root (the inverse of <see cref="Map"/> for display).</summary>
    public string Unmap(string hostPath) => IsHost || !hostPath.StartsWith(Directory + "/", StringComparison.Ordinal) ? hostPath : hostPath[Directory.Length..];

    private string Join(IEnumerable<string> parts) => (IsHost ? "" : Directory) + "/" + string.Join('/', parts);

    private static IEnumerable<string> Parts(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTarget(string path)
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
