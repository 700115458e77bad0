using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Namespaces;

/// <summary>The namespaces of a process from /proc/PID/ns: each link reads "net:[4026531840]".</summary>
public static class ProcNamespaces
{
    public static NamespaceIds Of(string procRoot, int pid)
    {
        var dir = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "ns");
        return new NamespaceIds(InodeOf(Path.Combine(dir, "net")), InodeOf(Path.Combine(dir, "mnt")), InodeOf(Path.Combine(dir, "pid")), InodeOf(Path.Combine(dir, "user")));
    }

    /// <summary>ngxdoctor's own namespaces (of this thread's process, not of a thread that entered another).</summary>
    public static NamespaceIds Own(string procRoot = "/proc") => Of(procRoot, Environment.ProcessId);

    /// <summary>
    /// Whether a process whose namespace link cannot be read (another user's, without root) sees ngxdoctor's network:
    /// its /proc/PID/net/tcp and tcp6, readable by everyone, list the same listening sockets (nginx always listens on
    /// something, so two networks cannot agree by being empty). Null when they cannot be read.
    /// </summary>
    public static bool? SameNetwork(string procRoot, int pid)
    {
        var theirs = ListeningInodes(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture)));
        var ours = ListeningInodes(Path.Combine(procRoot, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        return theirs is null || ours is null ? null : theirs.Count > 0 && theirs.SetEquals(ours);
    }

    private static HashSet<ulong>? ListeningInodes(string dir)
    {
        var tables = Proc.TcpTables.Read(dir);
        return tables.Readable
            ? Proc.ListenerTable.ParseTcp(tables.Tcp, "tcp").Concat(Proc.ListenerTable.ParseTcp(tables.Tcp6, "tcp6")).Select(l => l.Inode).ToHashSet()
            : null;
    }

    /// <summary>The inode in a namespace link's "type:[inode]" text, or null when the link cannot be read.</summary>
    public static ulong? InodeOf(string link)
    {
        try
        {
            var target = new FileInfo(link).LinkTarget;
            if (target is null)
            {
                return null;
            }

            var open = target.IndexOf('[', StringComparison.Ordinal);
            var close = target.IndexOf(']', StringComparison.Ordinal);
            return open > 0 && close > open && ulong.TryParse(target.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var inode) ? inode : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
