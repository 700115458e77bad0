using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>Probes every upstream address at once; the whole run takes about one probe timeout.</summary>
public static class ProbeRunner
{
    public static async Task<IReadOnlyList<ProbeResult>> RunAsync(IEnumerable<UpstreamTarget> targets, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        var distinct = targets.GroupBy(t => t.Address.Text).Select(g => (g.First().Address, Udp: g.All(t => t.Protocol == StreamPass.Udp))).ToList();
        // Started on the thread pool: a connect to loopback completes inside the system call, so thousands of them
        // started from one thread would take a core for a quarter of a second before the caller got on.
        var tasks = distinct.Select(a => Task.Run(() => a.Udp ? ProbeUdpAsync(a.Address, timeout, ct, from) : ProbeAsync(a.Address, timeout, ct, from)));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>A stream{} server that listens with udp: its upstream is reached by datagrams.</summary>
    public static Task<ProbeResult> ProbeUdpAsync(UpstreamAddress address, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null) =>
        address.Kind is UpstreamAddressKind.Ip or UpstreamAddressKind.Hostname && address.Port is { } port
            ? UdpProbe.RunAsync(address.Text, address.Host!, port, timeout, ct, from)
            : ProbeAsync(address, timeout, ct, from);

    public static Task<ProbeResult> ProbeAsync(UpstreamAddress address, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null) => address.Kind switch
    {
        UpstreamAddressKind.Unix => UnixSocketProbe.RunAsync(address.Text, address.SocketPath!, timeout, ct, from),
        UpstreamAddressKind.Ip or UpstreamAddressKind.Hostname when address.Port is { } port => TcpProbe.RunAsync(address.Text, address.Host!, port, timeout, ct, from),
        UpstreamAddressKind.Variable => Task.FromResult(new ProbeResult(address.Text, "none", ProbeOutcome.Skipped, 0, "address is built from variables at request time; not probed")),
        _ => Task.FromResult(new ProbeResult(address.Text, "none", ProbeOutcome.Skipped, 0, "no port to probe")),
    };
}
