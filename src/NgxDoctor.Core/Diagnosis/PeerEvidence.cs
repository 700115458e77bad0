using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// Where a backend nginx cannot reach really is: the container that answers to the upstream's name or address (and
/// whether it runs, and what it listens on), or another namespace listening on its port. Only evidence: it names
/// what is there; it never becomes a candidate address by itself.
/// </summary>
public static class PeerEvidence
{
    private static readonly Cause[] About = [Cause.UpstreamDown, Cause.UpstreamTimeout, Cause.DnsFailure, Cause.WrongAddress, Cause.UpstreamCrash, Cause.DnsStale, Cause.NoLiveUpstreams];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, DiagnosisFacts facts)
    {
        if (facts.Peers is not { Count: > 0 } peers)
        {
            return findings;
        }

        var networks = facts.Identity?.Container?.Networks ?? [];
        return findings.Select(f => About.Contains(f.Cause) && f.Upstream is { } upstream && For(peers, upstream, networks) is { Count: > 0 } extra
            ? f with
            {
                Title = Stopped(peers, upstream, networks).FirstOrDefault() is { } stopped ? $"{f.Title}: the container that answers to {Split(upstream).Host}, {stopped.Container!.Name ?? stopped.Container.ShortId}, is {stopped.State}" : f.Title,
                Evidence = [.. f.Evidence, .. extra],
                Remedy = f.Remedy with { Commands = [.. f.Remedy.Commands, .. Starts(peers, upstream, networks)] },
            }
            : f).ToList();
    }

    /// <summary>Stopped containers that answer to the upstream's name where nginx looks it up.</summary>
    private static IEnumerable<Peer> Stopped(IReadOnlyList<Peer> peers, string upstream, IReadOnlyList<string> networks) =>
        Split(upstream).Host is { } host
            ? peers.Where(p => p.State is "exited" or "created" && p.Container is { Runtime: "docker" or "podman" } && AnswersTo(p, host, networks))
            : [];

    /// <summary>A name is the peer's only where nginx could look it up: a container network both are attached to.</summary>
    private static bool AnswersTo(Peer p, string host, IReadOnlyList<string> networks) => p.AnswersTo(host, networks);

    /// <summary>For a stopped container that answers to the upstream's name: the command that starts it again.</summary>
    private static IEnumerable<string> Starts(IReadOnlyList<Peer> peers, string upstream, IReadOnlyList<string> networks) =>
        Stopped(peers, upstream, networks).Select(p => $"{p.Container!.Runtime} start {p.Container.Name ?? p.Container.ShortId}");

    public static List<Evidence> For(IReadOnlyList<Peer> peers, string upstream, IReadOnlyList<string> networks)
    {
        var (host, port) = Split(upstream);
        var list = new List<Evidence>();
        if (host is null)
        {
            return list;
        }

        var named = peers.Where(p => AnswersTo(p, host, networks) || p.Addresses.Contains(host, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var p in named)
        {
            var byName = AnswersTo(p, host, networks);
            var how = byName ? $"answers to {host}" : $"has the address {host}";
            var state = p.State == "running" ? "" : $"; it is {p.State}";
            var ports = p.State != "running" || port is null ? "" : p.Listening.Count == 0 ? "; nothing listens in it"
                : p.Listening.Any(l => l.EndsWith($":{port}", StringComparison.Ordinal)) ? $"; it listens on {string.Join(", ", p.Listening.Where(l => l.EndsWith($":{port}", StringComparison.Ordinal)))}"
                : $"; it listens on {string.Join(", ", p.Listening.Take(5))}, not on port {port}";
            list.Add(new Evidence(EvidenceKind.Process, p.Describe, $"{how}{(byName && p.Addresses.Count > 0 ? $" ({string.Join(", ", p.Addresses)})" : "")}{state}{ports}"));
        }

        if (port is not null)
        {
            foreach (var p in peers.Except(named).Where(p => p.State == "running" && p.Listening.Any(l => l.EndsWith($":{port}", StringComparison.Ordinal))).Take(3))
            {
                list.Add(new Evidence(EvidenceKind.Process, p.Describe, $"listens on {string.Join(", ", p.Listening.Where(l => l.EndsWith($":{port}", StringComparison.Ordinal)))} in its own network namespace (not nginx's)"));
            }
        }

        return list;
    }

    private static (string? Host, string? Port) Split(string upstream)
    {
        if (upstream.StartsWith("unix:", StringComparison.Ordinal))
        {
            return (null, null);
        }

        if (upstream.StartsWith('['))
        {
            var close = upstream.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? (null, null) : (upstream[1..close], close + 2 <= upstream.Length ? upstream[(close + 2)..] : null);
        }

        var colon = upstream.LastIndexOf(':');
        return colon < 0 ? (upstream, null) : (upstream[..colon], upstream[(colon + 1)..]);
    }
}
