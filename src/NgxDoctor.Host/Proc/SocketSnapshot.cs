using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>
/// What the kernel shows of sockets at one moment, read before ngxdoctor's probes open theirs: a probe's connection
/// would be counted among nginx's, and would wait in an upstream's accept queue as if the upstream were slow.
/// <see cref="Own"/> are the listening sockets ngxdoctor itself holds (the .NET runtime's diagnostics socket), which
/// are not the host's.
/// </summary>
public sealed record SocketSnapshot(TcpTables Tables, IReadOnlyList<ListeningSocket>? Listening, IReadOnlySet<ulong> Own)
{
    /// <summary><paramref name="netRoot"/> as for <see cref="ListenerTable.Read"/>; no listening sockets when net/tcp cannot be read.</summary>
    public static SocketSnapshot Read(string procRoot, string netRoot)
    {
        var tables = TcpTables.Read(netRoot);
        if (!tables.Readable)
        {
            return new(tables, null, new HashSet<ulong>());
        }

        var listening = ListenerTable.Sockets(procRoot, tables, netRoot);
        IReadOnlyList<ProcessInfo> self = ProcessTable.ReadOne(procRoot, Environment.ProcessId) is { } p ? [p] : [];
        var own = ListenerTable.SocketOwners(self, listening.Select(l => l.Inode).ToHashSet(), procRoot).Keys.ToHashSet();
        return new(tables, listening, own);
    }

    /// <summary>The listeners with their owners (ngxdoctor's own sockets left out, and its own descriptors not read: by then they are its probes').</summary>
    public IReadOnlyList<Listener>? Listeners(IReadOnlyList<ProcessInfo> processes, string procRoot) =>
        Listening is null ? null
            : ListenerTable.Owned(Listening.Where(l => !Own.Contains(l.Inode)).ToList(), processes.Where(p => p.Pid != Environment.ProcessId).ToList(), procRoot);
}
