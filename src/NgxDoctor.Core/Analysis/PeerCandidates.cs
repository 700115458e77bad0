using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>A container that the upstream's name names, as a wrong-address candidate.</summary>
public static class PeerCandidates
{
    /// <summary>
    /// The one running container that answers to the upstream's name (on a network nginx shares) or has its address,
    /// when it listens on exactly one TCP port and that is not the upstream's: nginx names the right backend, on the
    /// wrong port.
    /// </summary>
    public static Candidate? InPeer(DiagnosisFacts facts, UpstreamTarget target)
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
        return new Candidate(new Listener("tcp", address, listening, null, 0, []), CandidateBasis.ServiceName, $"{peer.Describe}, {how}, listens on port {listening} only") { Owner = peer.Describe };
    }
}
