using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.RequestPath;

/// <summary>What answers at a target's address, as the host's listeners show it.</summary>
public enum ServedBy
{
    /// <summary>No listener table was read, or the address is not known (a name that does not resolve).</summary>
    Unknown,

    /// <summary>A local address (or socket path) nothing listens on.</summary>
    Nothing,

    /// <summary>A process that is not this nginx.</summary>
    Process,

    /// <summary>This nginx's own master or workers: a request passed there comes back in.</summary>
    NginxItself,

    /// <summary>An address of another host: its listeners are not in this host's table.</summary>
    Remote,
}

/// <summary>
/// One upstream target of the request path: the target as written, every name it goes by (its address, its group,
/// its host name, the addresses that name resolves to now with its port) and what serves it.
/// </summary>
public sealed record TargetNode(UpstreamTarget Target, IReadOnlySet<string> Names, ServedBy ServedBy, Listener? Listener);

/// <summary>
/// The request path built once from the facts: instance → pass sites (server/location) → upstream group → target →
/// addresses → listener. Evidence that names an upstream in any of nginx's ways (a log's peer address, a group in
/// "no live upstreams", a host name in a DNS error, a finding's upstream) is joined through <see cref="Named"/>,
/// never by comparing one component's strings with another's.
/// </summary>
public sealed class PathModel
{
    private readonly Dictionary<string, List<TargetNode>> _byName = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<TargetNode> Targets { get; }

    private PathModel(IReadOnlyList<TargetNode> targets)
    {
        Targets = targets;
        foreach (var node in targets)
        {
            foreach (var name in node.Names)
            {
                if (!_byName.TryGetValue(name, out var list))
                {
                    _byName[name] = list = [];
                }

                list.Add(node);
            }
        }
    }

    // Built once per facts: the engine's steps and checks that join through it share one.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DiagnosisFacts, PathModel> Built = [];

    public static PathModel Build(DiagnosisFacts facts) => Built.GetValue(facts, Create);

    private static PathModel Create(DiagnosisFacts facts)
    {
        var own = facts.Instance is { } nginx ? nginx.WorkerPids.Append(nginx.MasterPid).ToHashSet() : [];
        var nodes = facts.Inventory.Targets.Select(t => Node(facts, t, own)).ToList();
        return new PathModel(SeenInLog(facts, nodes));
    }

    /// <summary>
    /// An address nginx's log names that no target names now is where nginx resolved a name when it started (the
    /// name has moved, or no longer resolves: a stopped container): it is that target's when exactly one host-name
    /// target has its port and no pass is built from variables at that port.
    /// </summary>
    private static List<TargetNode> SeenInLog(DiagnosisFacts facts, List<TargetNode> nodes)
    {
        var named = nodes.SelectMany(n => n.Names).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = (facts.Logs is { } logs ? FailureLedger.Observed(logs) : []).Select(i => i.Upstream).OfType<string>().Where(u => !named.Contains(u)).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var peer in seen)
        {
            if (PortOf(peer) is not { } port || nodes.Any(n => n.Target.Address.Kind == UpstreamAddressKind.Variable))
            {
                continue;
            }

            var byName = nodes.Where(n => n.Target.Address.Kind == UpstreamAddressKind.Hostname && n.Target.Address.Port == port).Select(n => n.Target).Distinct().ToList();
            if (byName.Count == 1)
            {
                var i = nodes.FindIndex(n => n.Target == byName[0]);
                nodes[i] = nodes[i] with { Names = new HashSet<string>(nodes[i].Names, StringComparer.OrdinalIgnoreCase) { peer } };
            }
        }

        return nodes;
    }

    /// <summary>The port of an IP address as nginx logs it ("10.0.0.5:8000", "[fd00::5]:8000"); null for anything else.</summary>
    private static int? PortOf(string peer)
    {
        var colon = peer.LastIndexOf(':');
        var host = colon > 0 ? peer[..colon].Trim('[', ']') : "";
        return colon > 0 && System.Net.IPAddress.TryParse(host, out _) && int.TryParse(peer.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary>The targets a name stands for; empty when it names none of them (an address nginx's log gives that the configuration does not).</summary>
    public IReadOnlyList<TargetNode> Named(string? name) => name is not null && _byName.TryGetValue(name, out var list) ? list : [];

    /// <summary>Whether two names, as nginx and ngxdoctor's evidence give them, stand for a common target (or are the same name).</summary>
    public bool Same(string? a, string? b) =>
        a is not null && b is not null && (string.Equals(a, b, StringComparison.OrdinalIgnoreCase) || Named(a).Intersect(Named(b)).Any());

    private static TargetNode Node(DiagnosisFacts facts, UpstreamTarget t, HashSet<int> own)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { t.Address.Text };
        if (t.Group is { } group)
        {
            names.Add(group);
        }

        if (t.Address.Kind == UpstreamAddressKind.Hostname && t.Address.Host is { } host)
        {
            names.Add(host);
        }

        if (t.Address.Port is { } port && t.Address.Kind != UpstreamAddressKind.Variable)
        {
            names.UnionWith(TargetListeners.Addresses(facts, t).Select(a => a.Contains(':', StringComparison.Ordinal) ? $"[{a}]:{port}" : $"{a}:{port}"));
        }

        var listener = TargetListeners.Serving(facts, t);
        var served = listener is null
            ? facts.Listeners is null ? ServedBy.Unknown : Local(facts, t) ? ServedBy.Nothing : Resolved(facts, t) ? ServedBy.Remote : ServedBy.Unknown
            : listener.Processes.Any(p => own.Contains(p.Pid)) ? ServedBy.NginxItself : ServedBy.Process;
        return new TargetNode(t, names, served, listener);
    }

    /// <summary>Whether the target stands for an address at all (a literal, or a name that resolves now).</summary>
    private static bool Resolved(DiagnosisFacts facts, UpstreamTarget t) => TargetListeners.Addresses(facts, t).Count > 0;

    /// <summary>A unix socket or a loopback address is this host's to answer for; another host's listeners are not in the table.</summary>
    private static bool Local(DiagnosisFacts facts, UpstreamTarget t) =>
        t.Address.Kind == UpstreamAddressKind.Unix || t.Address.IsLoopback || TargetListeners.Addresses(facts, t).Any(a => a.StartsWith("127.", StringComparison.Ordinal) || a == "::1");
}
