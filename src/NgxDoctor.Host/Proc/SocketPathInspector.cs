using NgxDoctor.Config;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>Stats a unix socket path and every directory above it (following symlinks), for the permission check.</summary>
public static class SocketPathInspector
{
    public static SocketPathFacts Inspect(string path, UserDatabase users)
    {
        string? resolved = null;
        try
        {
            var link = File.ResolveLinkTarget(path, returnFinalTarget: true);
            resolved = link?.FullName;
        }
        catch (IOException)
        {
            // Missing path or a link loop: reported by the stat below.
        }

        var real = resolved ?? path;
        var dirs = new List<PathEntry>();
        foreach (var d in SocketPathFacts.DirectoriesAbove(real))
        {
            var s = UnixFileStatus.Of(d);
            if (!s.Exists)
            {
                return new SocketPathFacts(path, resolved, null, dirs, $"directory {d} does not exist ({ConfigText.ErrnoText(s.Errno)})");
            }

            dirs.Add(Entry(d, s, users));
        }

        var status = UnixFileStatus.Of(real);
        string? problem = status.Kind switch
        {
            UnixFileKind.Missing => $"no such file ({ConfigText.ErrnoText(status.Errno)})" + (resolved is not null ? $"; {path} is a symlink to {resolved}" : ""),
            UnixFileKind.Socket => null,
            _ => $"is a {status.Kind.ToString().ToLowerInvariant()}, not a socket",
        };
        return new SocketPathFacts(path, resolved, status.Exists ? Entry(real, status, users) : null, dirs, problem);
    }

    private static PathEntry Entry(string path, UnixFileStatus s, UserDatabase users) =>
        new(path, s.Kind.ToString().ToLowerInvariant(), s.Uid, s.Gid, s.Mode, users.UserName(s.Uid), users.GroupName(s.Gid));
}
