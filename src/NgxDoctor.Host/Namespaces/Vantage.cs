using System.Net.Sockets;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Probes;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// Where nginx stands, for everything that reaches out as it would: sockets made in its network namespace, names
/// looked up with its /etc/hosts and resolv.conf, unix socket paths and files through its root. <see cref="Host"/>
/// is ngxdoctor's own view (the system resolver, the host's files).
/// </summary>
public sealed class Vantage : IDisposable
{
    public static readonly Vantage Host = new(NetworkNamespace.Own, InstanceRoot.Host);

    private readonly NamespacedResolver? _resolver;

    public Vantage(NetworkNamespace network, InstanceRoot root)
    {
        (Network, Root) = (network, root);
        _resolver = network.IsOwn && root.IsHost ? null : new NamespacedResolver(network, root);
    }

    public NetworkNamespace Network { get; }

    public InstanceRoot Root { get; }

    public bool IsHost => _resolver is null;

    /// <summary>
    /// Why nothing can be reached as nginx would (its network namespace could not be entered: not root); null when it can.
    /// Probing from ngxdoctor's own namespace instead would report another network's state as nginx's.
    /// </summary>
    public string? Blind { get; init; }

    public Task<Socket> SocketAsync(AddressFamily family, SocketType type, ProtocolType protocol) => Network.SocketAsync(family, type, protocol);

    /// <summary>A name as nginx would resolve it at start-up (getaddrinfo with its files).</summary>
    public Task<DnsLookup> LookupAsync(string name, TimeSpan timeout, CancellationToken ct) =>
        _resolver is null ? DnsProbe.SystemAsync(name, timeout, ct) : _resolver.LookupAsync(name, timeout, ct);

    /// <summary>A name asked of one server (nginx's `resolver`), from inside the namespace; null on the host (DnsClient asks).</summary>
    public Task<DnsLookup>? AskAsync(string name, System.Net.IPAddress server, int port, string label, TimeSpan timeout, CancellationToken ct) =>
        _resolver?.AskServerAsync(name, server, port, label, timeout, ct);

    /// <summary>The path to connect to for a unix socket nginx names.</summary>
    public string SocketPath(string path) => Root.Map(path);

    public void Dispose()
    {
        if (!Network.IsOwn)
        {
            Network.Dispose();
        }
    }
}
