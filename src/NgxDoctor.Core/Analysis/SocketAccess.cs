using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// Decides as the kernel would whether a user may connect to a unix socket: search (x) on every
/// directory above it and write (w) on the socket itself, by owner, group or other bits; root may.
/// </summary>
public static class SocketAccess
{
    /// <summary>The first permission the worker lacks, or null when it may connect.</summary>
    public static string? MissingPermission(WorkerIdentity worker, SocketPathFacts socketPath)
    {
        if (worker.Uid == 0)
        {
            return null;
        }

        foreach (var dir in socketPath.Directories)
        {
            if (!Allows(worker, dir, 1))
            {
                return $"search (x) permission on directory {dir.Describe}";
            }
        }

        if (socketPath.Socket is { } socket && !Allows(worker, socket, 2))
        {
            return $"write (w) permission on socket {socket.Describe}";
        }

        return null;
    }

    /// <summary>Which class of the mode applies to this user: "owner", "group" or "others".</summary>
    public static string ClassFor(WorkerIdentity worker, PathEntry entry) =>
        worker.Uid == entry.Uid ? "owner" : InGroup(worker, entry.Gid) ? "group" : "others";

    private static bool Allows(WorkerIdentity worker, PathEntry entry, int bit)
    {
        var mode = entry.Mode & 0x1ff;
        var bits = worker.Uid == entry.Uid ? mode >> 6 : InGroup(worker, entry.Gid) ? mode >> 3 : mode;
        return (bits & bit) != 0;
    }

    private static bool InGroup(WorkerIdentity worker, uint gid) => worker.Gid == gid || worker.Groups.Contains(gid);
}
