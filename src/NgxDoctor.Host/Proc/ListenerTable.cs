using System.Globalization;
using System.Net;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>/proc/net/tcp and tcp6 as read once, for the listener table and the connection counts alike.</summary>
public sealed record TcpTables(string Tcp, string Tcp6)
{
    /// <summary>Whether /proc/net/tcp could be read (it always has its header line): otherwise nothing is known of listeners.</summary>
    public bool Readable => Tcp.Length > 0;

    public static TcpTables Read(string procRoot = "/proc") =>
        new(ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "net/tcp")), ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "net/tcp6")));
}

/// <summary>One listening socket as /proc/net/tcp, tcp6 or unix list it (its owners are found by its inode).</summary>
public sealed record ListeningSocket(string Transport, string? Address, int? Port, string? Path, ulong Inode, int Queue, int Backlog);

/// <summary>
/// Listening sockets from /proc/net/tcp, tcp6 and unix, with the processes that hold them found through
/// /proc/PID/fd: what `ss -tlnpx` shows, without running it.
/// </summary>
public static class ListenerTable
{
    private const string TcpListen = "0A";
    private const int AcceptConnections = 0x10000;

    /// <summary><paramref name="netRoot"/> is where net/tcp and net/unix are read: /proc, or /proc/PID of a process in another network namespace.</summary>
    public static IReadOnlyList<Listener> Read(IReadOnlyList<ProcessInfo> processes, string procRoot = "/proc", TcpTables? tables = null, string? netRoot = null)
    {
        netRoot ??= procRoot;
        return Owned(Sockets(procRoot, tables ?? TcpTables.Read(netRoot), netRoot), processes, procRoot);
    }

    /// <summary>The listening sockets the kernel shows now (TCP, TCP6, unix with their accept queues), before their owners are looked up.</summary>
    public static IReadOnlyList<ListeningSocket> Sockets(string procRoot, TcpTables tables, string netRoot)
    {
        var raw = new List<ListeningSocket>();
        raw.AddRange(ParseTcp(tables.Tcp, "tcp"));
        raw.AddRange(ParseTcp(tables.Tcp6, "tcp6"));
        // The kernel tells unix queues only to a socket in the same network namespace: here, not for another's.
        var queues = netRoot == procRoot ? UnixQueues.Read(TimeSpan.FromSeconds(1)) : new Dictionary<ulong, (int Queue, int Backlog)>();
        raw.AddRange(ParseUnix(ReadOrEmpty(Path.Combine(netRoot, "net/unix")))
            .Select(u => queues.TryGetValue(u.Inode, out var q) ? u with { Queue = q.Queue, Backlog = q.Backlog } : u));
        return raw;
    }

    /// <summary>The sockets with the processes (of <paramref name="processes"/>) holding them, found through /proc/PID/fd.</summary>
    public static IReadOnlyList<Listener> Owned(IReadOnlyList<ListeningSocket> raw, IReadOnlyList<ProcessInfo> processes, string procRoot)
    {
        var owners = SocketOwners(processes, raw.Select(r => r.Inode).ToHashSet(), procRoot);
        return raw.Select(r => new Listener(r.Transport, r.Address, r.Port, r.Path, r.Inode, owners.TryGetValue(r.Inode, out var p) ? p : []) { AcceptQueue = r.Queue, Backlog = r.Backlog }).ToList();
    }

    /// <summary>For a listening socket, /proc/net/tcp's tx_queue is its backlog and rx_queue the connections waiting in it.</summary>
    public static IEnumerable<ListeningSocket> ParseTcp(string text, string transport)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[3] != TcpListen)
            {
                continue;
            }

            var colon = f[1].IndexOf(':', StringComparison.Ordinal);
            var address = DecodeAddress(f[1][..colon]);
            var port = int.Parse(f[1][(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var sep = f[4].IndexOf(':', StringComparison.Ordinal);
            var backlog = int.Parse(f[4].AsSpan(0, sep), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var queue = int.Parse(f[4].AsSpan(sep + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            yield return new(transport, address, port, null, ulong.Parse(f[9], CultureInfo.InvariantCulture), queue, backlog);
        }
    }

    public static IEnumerable<ListeningSocket> ParseUnix(string text)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', 8, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || !int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) || (flags & AcceptConnections) == 0)
            {
                continue;
            }

            yield return new("unix", null, null, f[7].Trim(), ulong.Parse(f[6], CultureInfo.InvariantCulture), 0, 0);
        }
    }

    /// <summary>/proc/net/tcp addresses are 32-bit words in host (little-endian) order.</summary>
    public static string DecodeAddress(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var b = 0; b < 4; b++)
            {
                bytes[word * 4 + b] = byte.Parse(hex.AsSpan(word * 8 + (3 - b) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        var ip = new IPAddress(bytes);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString();
    }

    public static Dictionary<ulong, List<ProcessInfo>> SocketOwners(IReadOnlyList<ProcessInfo> processes, HashSet<ulong> wanted, string procRoot)
    {
        var owners = new Dictionary<ulong, List<ProcessInfo>>();
        foreach (var p in processes)
        {
            string[] fds;
            try
            {
                fds = Directory.GetFiles(Path.Combine(procRoot, p.Pid.ToString(CultureInfo.InvariantCulture), "fd"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var fd in fds)
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && ulong.TryParse(target.AsSpan(8, target.Length - 9), out var inode) && wanted.Contains(inode))
                {
                    if (!owners.TryGetValue(inode, out var list))
                    {
                        owners[inode] = list = [];
                    }

                    if (!list.Contains(p))
                    {
                        list.Add(p);
                    }
                }
            }
        }

        return owners;
    }

    public static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
