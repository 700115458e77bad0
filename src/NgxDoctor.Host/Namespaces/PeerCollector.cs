using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// The host's other network namespaces (one process of each: its TCP listeners from /proc/PID/net) and its Docker
/// containers, stopped ones included (names, aliases, addresses, state), for <see cref="Core.Diagnosis.PeerEvidence"/>.
/// </summary>
/// <summary>Every namespace and container of the host, and what could not be read of them.</summary>
public sealed record PeerScan(IReadOnlyList<Peer> Peers, IReadOnlyList<NotCollected> Notes)
{
    /// <summary>Those that are not <paramref name="net"/> itself (an instance's own namespace is not a peer of it).</summary>
    public IReadOnlyList<Peer> Besides(ulong? net) => Peers.Where(p => p.NetworkNamespace is null || p.NetworkNamespace != net).ToList();
}

public static class PeerCollector
{
    private const int MaxNamespaces = 200;
    private const string DockerDns = "127.0.0.11";

    /// <param name="processes">The host's processes when they were read already.</param>
    /// <param name="known">One namespace's TCP tables when they were read already (before ngxdoctor's probes added their sockets to them).</param>
    public static async Task<PeerScan> ScanAsync(CancellationToken ct, string procRoot = "/proc", IReadOnlyList<ProcessInfo>? processes = null, (ulong Net, TcpTables Tables)? known = null)
    {
        var notes = new List<NotCollected>();
        processes ??= ProcessTable.Read(procRoot);
        var byNamespace = new Dictionary<ulong, ProcessInfo>();
        foreach (var p in processes)
        {
            if (byNamespace.Count >= MaxNamespaces)
            {
                break;
            }

            if (ProcNamespaces.InodeOf(Path.Combine(procRoot, Pid(p), "ns/net")) is { } net)
            {
                byNamespace.TryAdd(net, p);
            }
        }

        var own = ProcNamespaces.Own(procRoot).Net;
        var peers = byNamespace.Select(kv => Namespace(kv.Key, kv.Value, procRoot, known) with { Host = kv.Key == own }).ToList();
        var containers = await ContainersAsync(notes, ct).ConfigureAwait(false);
        return new PeerScan(Join(peers, containers, procRoot), notes);
    }

    private static Peer Namespace(ulong net, ProcessInfo p, string procRoot, (ulong Net, TcpTables Tables)? known)
    {
        var dir = Path.Combine(procRoot, Pid(p));
        var tables = known is { } k && k.Net == net ? k.Tables : TcpTables.Read(dir);
        var listening = ListenerTable.ParseTcp(tables.Tcp, "tcp").Concat(ListenerTable.ParseTcp(tables.Tcp6, "tcp6"))
            .Where(l => l.Address != DockerDns) // Docker's embedded DNS, in every container on a user network
            .Select(l => new Listener(l.Transport, l.Address, l.Port, null, l.Inode, []).Display).Distinct().ToList();
        return new Peer(net, listening) { Process = $"{p.Name} (pid {p.Pid})" };
    }

    private static async Task<IReadOnlyList<DockerContainer>> ContainersAsync(List<NotCollected> notes, CancellationToken ct)
    {
        using var engine = DockerEngine.FromEnvironment(out _);
        if (engine is null)
        {
            return [];
        }

        try
        {
            return await engine.ListAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException or System.Text.Json.JsonException)
        {
            notes.Add(new NotCollected(Fact.Containers, $"the Docker engine at {engine.SocketPath} did not list its containers ({e.Message})"));
            return [];
        }
    }

    /// <summary>A container's namespace (by its pid) gets its names; a stopped container is a peer without a namespace.</summary>
    private static List<Peer> Join(List<Peer> namespaces, IReadOnlyList<DockerContainer> containers, string procRoot)
    {
        var result = new List<Peer>();
        var used = new HashSet<ulong>();
        foreach (var d in containers)
        {
            var net = d.Pid is { } pid ? ProcNamespaces.InodeOf(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "ns/net")) : null;
            var ns = net is null ? null : namespaces.FirstOrDefault(n => n.NetworkNamespace == net);
            if (net is not null)
            {
                used.Add(net.Value);
            }

            var identity = ContainerNames.Named(new ContainerIdentity("docker", d.Id), d);
            var names = new[] { d.Name, d.Label("com.docker.compose.service") }.OfType<string>().Concat(d.Addresses.SelectMany(a => a.Names)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            result.Add(new Peer(net, ns?.Listening ?? [])
            {
                Container = identity,
                State = d.State ?? "unknown",
                Names = names,
                Addresses = d.Addresses.Select(a => a.Ip).Where(ip => ip.Length > 0).Distinct().ToList(),
            });
        }

        result.AddRange(namespaces.Where(n => n.NetworkNamespace is { } net && !used.Contains(net)));
        return result;
    }

    private static string Pid(ProcessInfo p) => p.Pid.ToString(CultureInfo.InvariantCulture);
}
