namespace NgxDoctor.Core.Facts;

/// <summary>
/// The facts' lists by key, built once per facts on first use: every target asks for its probe and socket, and a
/// linear search per question made a diagnosis of thousands of targets quadratic. The first entry of a key wins, as
/// the linear search's did.
/// </summary>
internal sealed class FactsLookups
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DiagnosisFacts, FactsLookups> Built = [];

    private FactsLookups(DiagnosisFacts facts)
    {
        Probes = ByKey(facts.Probes, p => p.Target);
        WorkerProbes = ByKey(facts.WorkerProbes, p => p.Target);
        SocketPaths = ByKey(facts.SocketPaths, s => s.Path);
        SystemDns = new Dictionary<string, DnsLookup>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in (facts.Dns ?? []).Where(d => d.Server == DnsLookup.System))
        {
            SystemDns.TryAdd(d.Name, d);
        }

        ListenersAtPath = (facts.Listeners ?? []).Where(l => l.Path is not null).GroupBy(l => l.Path!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        TcpListeners = (facts.Listeners ?? []).Where(l => l.Path is null && l.Port is not null).GroupBy(l => l.Port!.Value).ToDictionary(g => g.Key, g => g.ToList());
        Incidents = (facts.Logs?.Incidents ?? []).Where(i => i.Upstream is not null).GroupBy(i => i.Upstream!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var connections = facts.Connections ?? [];
        ConnectionsAt = Enumerable.Range(0, connections.Count).GroupBy(i => connections[i].Remote, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Targets = ByKey(facts.Inventory.Targets, t => t.Address.Text);
        Groups = facts.Inventory.Targets.Where(t => t.Group is not null).GroupBy(t => t.Group!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    public Dictionary<string, ProbeResult> Probes { get; }

    public Dictionary<string, ProbeResult> WorkerProbes { get; }

    public Dictionary<string, SocketPathFacts> SocketPaths { get; }

    /// <summary>The system resolver's answer for a name, by name in any case.</summary>
    public Dictionary<string, DnsLookup> SystemDns { get; }

    /// <summary>Unix listeners by path, in the facts' order.</summary>
    public Dictionary<string, List<Listener>> ListenersAtPath { get; }

    public Listener? ListenerAt(string path) => ListenersAtPath.GetValueOrDefault(path)?[0];

    /// <summary>TCP listeners by port, in the facts' order.</summary>
    public Dictionary<int, List<Listener>> TcpListeners { get; }

    /// <summary>Log incidents by the upstream address they name, in the facts' order.</summary>
    public Dictionary<string, List<LogIncident>> Incidents { get; }

    /// <summary>Where in the facts' connection counts each remote address ("10.0.0.5:8080") is.</summary>
    public Dictionary<string, List<int>> ConnectionsAt { get; }

    /// <summary>The first target of each address, as a search of the inventory in its order finds it.</summary>
    public Dictionary<string, NgxDoctor.Config.Upstreams.UpstreamTarget> Targets { get; }

    private Dictionary<string, List<NgxDoctor.Config.Upstreams.UpstreamTarget>> Groups { get; }

    /// <summary>The targets of an upstream{} group (by name), in the inventory's order.</summary>
    public IReadOnlyList<NgxDoctor.Config.Upstreams.UpstreamTarget> TargetsOfGroup(string group) => Groups.GetValueOrDefault(group) ?? [];

    public static FactsLookups Of(DiagnosisFacts facts) => Built.GetValue(facts, f => new FactsLookups(f));

    private static Dictionary<string, T> ByKey<T>(IEnumerable<T>? items, Func<T, string> key)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            map.TryAdd(key(item), item);
        }

        return map;
    }
}
