using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>What ties a running backend to the address nginx names; declared strongest first.</summary>
public enum CandidateBasis
{
    /// <summary>The container or compose service the upstream's host name names, listening on another port.</summary>
    ServiceName,

    /// <summary>The same port on another local address or family, or a socket of the same file name elsewhere.</summary>
    SameEndpoint,

    /// <summary>The backend's own configuration: the PHP-FPM pool a fastcgi_pass expects, listening elsewhere.</summary>
    BackendConfig,

    /// <summary>
    /// The kernel's socket table has a listener on nginx's very path, yet nginx's mount namespace has no such file:
    /// the socket is in another mount namespace (systemd PrivateTmp=, a container). Nothing to repoint to.
    /// </summary>
    HiddenSocket,
}

/// <summary>A running backend that nginx might have been meant to reach, and the evidence that ties it to nginx's address.</summary>
public sealed record Candidate(Listener Listener, CandidateBasis Basis, string Reason)
{
    /// <summary>Who listens, when the evidence names it ("container shop-app-1 (compose service app)", "PHP-FPM pool www").</summary>
    public string? Owner { get; init; }

    public string Who => Owner ?? Listener.Owner;
}

/// <summary>
/// Running backends that evidence ties to a dead upstream address, strongest evidence first. A backend is a candidate
/// only for what a person would accept: the service the name names, the same port or socket name elsewhere, the
/// backend's own configuration. Being of a known kind or on a nearby port is not evidence (an unrelated python service
/// 700 ports away is not the backend nginx meant). No basis needs the listener's process, so root and an unprivileged
/// user, who cannot see other users' sockets' owners, find the same candidates.
/// </summary>
public static class BackendCandidates
{
    public static IReadOnlyList<Candidate> Find(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (PeerCandidates.InPeer(facts, target) is { } peer)
        {
            return [peer];
        }

        if (facts.Listeners is null || target.Address.Kind is UpstreamAddressKind.Variable or UpstreamAddressKind.Group)
        {
            return [];
        }

        if (target.Address.Kind != UpstreamAddressKind.Unix && !target.Address.IsLoopback && !IsLocalWildcardHost(target.Address.Host))
        {
            return []; // Listeners of another host cannot be seen from here.
        }

        var unused = UnusedOf.GetValue(facts, Unused);
        return SameEndpoint(target, unused).Concat(FpmPools(facts, target, unused.Live)).Concat(Hidden(facts, target))
            .GroupBy(c => c.Listener.Display, StringComparer.Ordinal)
            .Select(g => g.MinBy(c => c.Basis)!)
            .OrderBy(c => c.Basis)
            .ThenBy(c => c.Listener.Display, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Leads, not candidates: an app server (gunicorn, node, php-fpm, ...) listening one port off a dead local TCP address,
    /// on a port no upstream of nginx uses. What a person's `ss -tlnp` would show them; named in the evidence, never
    /// repointed to by `fix` (an adjacent port is not proof it is the same application).
    /// </summary>
    public static IReadOnlyList<Listener> PortLeads(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (facts.Listeners is null || target.Address.Kind == UpstreamAddressKind.Unix || target.Address.Port is not { } port
            || !(target.Address.IsLoopback || IsLocalWildcardHost(target.Address.Host)))
        {
            return [];
        }

        var apps = UnusedOf.GetValue(facts, Unused).AppServersByPort;
        return new[] { port - 1, port + 1 }.SelectMany(p => apps.GetValueOrDefault(p) ?? [])
            .OrderBy(l => l.Display, StringComparer.Ordinal).ToList();
    }

    /// <summary>The candidates of the strongest basis found: what `fix` may repoint to when it is exactly one.</summary>
    public static IReadOnlyList<Candidate> Strongest(IReadOnlyList<Candidate> candidates) =>
        candidates.Count == 0 || candidates[0].Basis == CandidateBasis.HiddenSocket ? [] : candidates.Where(c => c.Basis == candidates[0].Basis).ToList();

    /// <summary>The address nginx should name to reach the candidate: a wildcard listener on loopback of its own family.</summary>
    public static string AddressFor(Candidate c, UpstreamTarget t)
    {
        var l = c.Listener;
        if (l.Path is not null)
        {
            return "unix:" + l.Path;
        }

        if (!l.IsWildcard)
        {
            return l.Display;
        }

        var v6 = l.Address == "::";
        var sameFamilyHost = t.Address.Host is { } h && h.Contains(':', StringComparison.Ordinal) == v6 && !t.Address.IsLoopback && !IsLocalWildcardHost(h);
        return sameFamilyHost ? $"{(v6 ? $"[{t.Address.Host}]" : t.Address.Host)}:{l.Port}" : v6 ? $"[::1]:{l.Port}" : $"127.0.0.1:{l.Port}";
    }

    private static IEnumerable<Candidate> SameEndpoint(UpstreamTarget target, UnusedListeners unused)
    {
        if (target.Address.SocketPath is { } path)
        {
            var name = Path.GetFileName(path);
            foreach (var l in (unused.ByFileName.GetValueOrDefault(name) ?? []).Where(l => l.Path != path))
            {
                yield return new Candidate(l, CandidateBasis.SameEndpoint, $"a socket of the same name ({name}) in another directory");
            }

            yield break;
        }

        if (target.Address.Port is not { } port)
        {
            yield break;
        }

        foreach (var l in unused.ByPort.GetValueOrDefault(port) ?? [])
        {
            var family = l.Address!.Contains(':', StringComparison.Ordinal) ? "IPv6" : "IPv4";
            var there = l.IsWildcard ? $"every {family} address" : $"{l.Address} ({family})";
            yield return new Candidate(l, CandidateBasis.SameEndpoint, $"the same port {port}, on {there} instead of {target.Address.Host}");
        }
    }

    /// <summary>A listener bound to nginx's path while nginx's namespace has no file there.</summary>
    private static IEnumerable<Candidate> Hidden(DiagnosisFacts facts, UpstreamTarget target) =>
        target.Address.SocketPath is { } path && facts.SocketPathFor(path) is { Socket: null }
            ? (FactsLookups.Of(facts).ListenersAtPath.GetValueOrDefault(path) ?? []).Where(l => !l.Processes.Any(BackendKinds.IsNeverBackend)).Take(1).Select(l => new Candidate(l, CandidateBasis.HiddenSocket,
                "bound to this very path, which nginx's mount namespace does not have: the socket is in another mount namespace (systemd PrivateTmp=, a container)"))
            : [];

    /// <summary>For fastcgi_pass: the PHP-FPM pools whose own configuration puts them at a live address nginx does not use.</summary>
    private static IEnumerable<Candidate> FpmPools(DiagnosisFacts facts, UpstreamTarget target, List<Listener> live)
    {
        if (target.Protocol != "fastcgi" || facts.PhpFpm.Any(f => f.PoolAt(target.Address.Text) is not null))
        {
            yield break; // A pool configured for nginx's address that does not listen is a backend down, not elsewhere.
        }

        foreach (var (fpm, pool) in facts.PhpFpm.SelectMany(f => f.Pools.Select(p => (f, p))))
        {
            var listener = live.FirstOrDefault(l => pool.ListenAddress is { } a && (a == l.Display || (l.Port is { } lp && FpmInstance.Matches(a, $"127.0.0.1:{lp}"))));
            if (listener is not null)
            {
                yield return new Candidate(listener, CandidateBasis.BackendConfig, $"PHP-FPM pool {pool.Name} ({pool.Pos}) listens there, the FastCGI server fastcgi_pass expects")
                {
                    Owner = $"PHP-FPM pool {pool.Name} (master pid {fpm.Pid})",
                };
            }
        }
    }

    /// <summary>Listeners no upstream of nginx uses and nginx does not own, worked out once per facts (every dead target asks).</summary>
    private sealed record UnusedListeners(List<Listener> Live, Dictionary<int, List<Listener>> AppServersByPort)
    {
        public Dictionary<string, List<Listener>> ByFileName { get; } = Live.Where(l => l.Path is not null)
            .GroupBy(l => Path.GetFileName(l.Path!), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        public Dictionary<int, List<Listener>> ByPort { get; } = Live.Where(l => l.Path is null && l.Port is not null)
            .GroupBy(l => l.Port!.Value).ToDictionary(g => g.Key, g => g.ToList());
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DiagnosisFacts, UnusedListeners> UnusedOf = [];

    private static UnusedListeners Unused(DiagnosisFacts facts)
    {
        var used = facts.Inventory.Targets.Select(t => t.Address.Text).ToHashSet(StringComparer.Ordinal);
        var nginxPorts = NginxPorts(facts.Inventory);
        var unused = (facts.Listeners ?? []).Where(l => !IsUsed(l, used) && !(l.Port is { } p && nginxPorts.Contains(p)) && !l.Processes.Any(BackendKinds.IsNeverBackend)).ToList();
        var apps = unused.Where(l => l.Path is null && l.Port is not null && l.Processes.Any(BackendKinds.IsKnownBackend))
            .GroupBy(l => l.Port!.Value).ToDictionary(g => g.Key, g => g.ToList());
        return new UnusedListeners(unused.Where(l => !IsIpcSocket(l)).ToList(), apps);
    }

    /// <summary>Ports nginx itself listens on (its `listen` directives): known without seeing who owns a socket.</summary>
    private static HashSet<int> NginxPorts(UpstreamInventory inventory) =>
        inventory.Sites.SelectMany(s => s.Listens)
            .Select(l => l.Split(' ')[0])
            .Select(a => a.LastIndexOf(':') is var i and >= 0 ? a[(i + 1)..] : a)
            .Select(p => int.TryParse(p, out var n) ? n : -1)
            .Where(n => n > 0)
            .ToHashSet();

    private static bool IsUsed(Listener l, HashSet<string> used)
    {
        if (used.Contains(l.Display))
        {
            return true;
        }

        return l.Port is { } p && l.IsWildcard && (used.Contains($"127.0.0.1:{p}") || used.Contains($"localhost:{p}") || (l.Address == "::" && used.Contains($"[::1]:{p}")));
    }

    /// <summary>Abstract sockets and runtime diagnostics sockets (.NET's dotnet-diagnostic-*) are never upstreams.</summary>
    private static bool IsIpcSocket(Listener l) => l.Path is { } p && (p.StartsWith('@') || p.Length == 0 || Path.GetFileName(p).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal));

    private static bool IsLocalWildcardHost(string? host) => host is "0.0.0.0" or "::";
}
