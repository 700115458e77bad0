using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>A running backend that nginx might have been meant to reach, and why it is plausible.</summary>
public sealed record Candidate(Listener Listener, string Reason, int Score)
{
    /// <summary>Who listens, when it is not a process of nginx's namespace ("container shop-app-1 (compose service app)").</summary>
    public string? Owner { get; init; }
}

/// <summary>
/// Finds running backends near a dead upstream address: listeners not owned by nginx nor by a system
/// daemon, not already used by another upstream of this nginx, and either of a known backend kind or
/// on a port close to the configured one (±100) or in the same directory as the configured socket.
/// </summary>
public static class BackendCandidates
{
    public const int NearPortDistance = 100;

    public static IReadOnlyList<Candidate> Find(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (InPeer(facts, target) is { } peer)
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

        var used = facts.Inventory.Targets.Select(t => t.Address.Text).ToHashSet(StringComparer.Ordinal);
        var expected = BackendKinds.ExpectedKind(target.Protocol);
        var result = new List<Candidate>();
        foreach (var l in facts.Listeners)
        {
            if (l.Processes.Count == 0 || l.Processes.Any(BackendKinds.IsNeverBackend) || IsUsed(l, used) || IsIpcSocket(l))
            {
                continue;
            }

            var proc = l.Processes[0];
            var kind = BackendKinds.KindOf(proc);
            if (l.Path is not null && target.Address.Kind != UpstreamAddressKind.Unix && !BackendKinds.ServesUnixSockets(kind))
            {
                continue; // Runtimes such as .NET or Java keep unix sockets for their own tooling, not for HTTP.
            }

            var score = 0;
            var reasons = new List<string>();
            if (expected is not null && kind == expected)
            {
                score += 100;
                reasons.Add($"a {kind} process, which {target.Sites[0].Directive} expects");
            }
            else if (BackendKinds.IsKnownBackend(proc))
            {
                score += 40;
                reasons.Add($"a {kind} process");
            }

            if (target.Address.SocketPath is { } path && l.Path is not null && Path.GetDirectoryName(l.Path) == Path.GetDirectoryName(path))
            {
                score += 50;
                reasons.Add("a socket in the same directory");
            }

            if (target.Address.Port is { } port && l.Port is { } lp && l.Path is null && (l.IsWildcard || IsLoopback(l.Address)))
            {
                var distance = Math.Abs(lp - port);
                if (distance <= NearPortDistance && lp >= 1024)
                {
                    score += 30 + (NearPortDistance - distance) / 10;
                    reasons.Add($"port {lp} is {distance} away from {port}");
                }
            }

            if (score >= 30)
            {
                result.Add(new Candidate(l, string.Join("; ", reasons), score));
            }
        }

        return result.OrderByDescending(c => c.Score).ThenBy(c => c.Listener.Display, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The one running container that answers to the upstream's name (on a network nginx shares) or has its address,
    /// when it listens on exactly one TCP port and that is not the upstream's: nginx names the right backend, on the
    /// wrong port.
    /// </summary>
    private static Candidate? InPeer(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (facts.Peers is not { Count: > 0 } peers || target.Address is not { Host: { } host, Port: { } port } || target.Address.Kind == UpstreamAddressKind.Unix)
        {
            return null;
        }

        var networks = facts.Identity?.Container?.Networks ?? [];
        var named = peers.Where(p => p.State == "running" && (p.AnswersTo(host, networks) || p.Addresses.Contains(host, StringComparer.OrdinalIgnoreCase))).ToList();
        if (named.Count != 1 || named[0].Ports().Select(x => x.Port).Distinct().ToList() is not [var only] || only == port)
        {
            return null;
        }

        var peer = named[0];
        var (address, listening) = peer.Ports().OrderBy(x => x.Address == "0.0.0.0" ? 0 : 1).First();
        var how = peer.AnswersTo(host, networks) ? $"which {host} names" : $"which has the address {host}";
        return new Candidate(new Listener("tcp", address, listening, null, 0, []), $"{peer.Describe}, {how}, listens on port {listening} only", 200) { Owner = peer.Describe };
    }

    private static bool IsUsed(Listener l, HashSet<string> used)
    {
        if (used.Contains(l.Display))
        {
            return true;
        }

        return l.Port is { } p && l.IsWildcard && (used.Contains($"127.0.0.1:{p}") || used.Contains($"localhost:{p}") || used.Contains($"[::1]:{p}"));
    }

    /// <summary>Abstract sockets and runtime diagnostics sockets (.NET's dotnet-diagnostic-*) are never upstreams.</summary>
    private static bool IsIpcSocket(Listener l) => l.Path is { } p && (p.StartsWith('@') || p.Length == 0 || Path.GetFileName(p).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal));

    private static bool IsLoopback(string? address) => address is not null && (address.StartsWith("127.", StringComparison.Ordinal) || address == "::1");

    private static bool IsLocalWildcardHost(string? host) => host is "0.0.0.0" or "::";
}
