using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>The local listener behind an upstream address (by IP, or by the addresses its name resolves to now).</summary>
public static class TargetListeners
{
    public static Listener? Find(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (facts.Listeners is null || target.Address.Port is not { } port || target.Address.Host is not { } host)
        {
            return null;
        }

        var addresses = Addresses(facts, target);
        return FactsLookups.Of(facts).TcpListeners.GetValueOrDefault(port)?.FirstOrDefault(l => (addresses.Contains(l.Address ?? "") || addresses.Any(a => Serves(l, a))));
    }

    /// <summary>The listener of a unix socket path, or the TCP one <see cref="Find"/> gives.</summary>
    public static Listener? Serving(DiagnosisFacts facts, UpstreamTarget target) =>
        target.Address.SocketPath is { } path ? FactsLookups.Of(facts).ListenerAt(path) : Find(facts, target);

    /// <summary>A wildcard listener takes its own family's addresses; "::" (dual stack unless IPV6_V6ONLY) takes IPv4 too.</summary>
    private static bool Serves(Listener l, string address) =>
        l.Address == "::" || (l.Address == "0.0.0.0" && !address.Contains(':', StringComparison.Ordinal));

    /// <summary>The IPs a target stands for: its literal address, or what the system resolver says its name is now.</summary>
    public static IReadOnlyList<string> Addresses(DiagnosisFacts facts, UpstreamTarget target)
    {
        var host = target.Address.Host ?? "";
        if (target.Address.Kind == UpstreamAddressKind.Ip)
        {
            return [host.Trim('[', ']')];
        }

        var lookup = FactsLookups.Of(facts).SystemDns.GetValueOrDefault(host);
        return lookup?.Addresses ?? (host == "localhost" ? ["127.0.0.1"] : []);
    }
}
