using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>
/// TCP connections to given remote ports (the upstreams') from /proc/net/tcp and tcp6, by state, and how many nginx's workers
/// hold (TIME_WAIT sockets belong to no process any more): what `ss -tan dst ADDR` counts.
/// </summary>
public static class ConnectionTable
{
    private const string Established = "01";
    private const string TimeWait = "06";
    private const string Listen = "0A";

    public static IReadOnlyList<ConnectionCount> Read(ISet<int> ports, IReadOnlyList<ProcessInfo> workers, TcpTables tables, string procRoot = "/proc")
    {
        var rows = Parse(tables.Tcp).Concat(Parse(tables.Tcp6))
            .Where(r => ports.Contains(r.Port))
            .ToList();
        var held = ListenerTable.SocketOwners(workers, rows.Select(r => r.Inode).Where(i => i != 0).ToHashSet(), procRoot);
        return rows.GroupBy(r => r.Remote)
            .Select(g => new ConnectionCount(g.Key,
                g.Count(r => r.State == Established), g.Count(r => r.State == TimeWait), g.Count(r => r.State is not Established and not TimeWait),
                g.Count(r => held.ContainsKey(r.Inode))))
            .OrderBy(c => c.Remote, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Each non-listening row as (remote "ip:port" or "[ip6]:port", its port, state, inode).</summary>
    public static IEnumerable<(string Remote, int Port, string State, ulong Inode)> Parse(string text)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[3] == Listen)
            {
                continue;
            }

            var colon = f[2].IndexOf(':', StringComparison.Ordinal);
            var address = ListenerTable.DecodeAddress(f[2][..colon]);
            var port = int.Parse(f[2][(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var remote = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";
            yield return (remote, port, f[3], ulong.TryParse(f[9], CultureInfo.InvariantCulture, out var inode) ? inode : 0);
        }
    }
}
