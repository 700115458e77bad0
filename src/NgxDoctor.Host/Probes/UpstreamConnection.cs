using System.Net;
using System.Net.Sockets;
using NgxDoctor.Config.Upstreams;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>A connected socket to an upstream address (TCP by name or IP, or a unix socket), for the protocol probes.</summary>
public static class UpstreamConnection
{
    public static async Task<Socket> ConnectAsync(UpstreamAddress address, CancellationToken ct, Vantage? from = null)
    {
        from ??= Vantage.Host;
        var unix = address.Kind == UpstreamAddressKind.Unix;
        EndPoint endPoint = unix ? new UnixDomainSocketEndPoint(from.SocketPath(address.SocketPath!)) : await EndPointAsync(address, from, ct).ConfigureAwait(false);
        var socket = unix
            ? await from.SocketAsync(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified).ConfigureAwait(false)
            : endPoint is IPEndPoint ip ? await from.SocketAsync(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp).ConfigureAwait(false) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>On the host the socket resolves the name itself; elsewhere the name is looked up as nginx's namespace would.</summary>
    private static async Task<EndPoint> EndPointAsync(UpstreamAddress address, Vantage from, CancellationToken ct)
    {
        if (IPAddress.TryParse(address.Host, out var literal))
        {
            return new IPEndPoint(literal, address.Port!.Value);
        }

        if (from.IsHost)
        {
            return new DnsEndPoint(address.Host!, address.Port!.Value);
        }

        var lookup = await from.LookupAsync(address.Host!, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return lookup.Addresses.Count > 0 ? new IPEndPoint(IPAddress.Parse(lookup.Addresses[0]), address.Port!.Value)
            : throw new SocketException((int)SocketError.HostNotFound);
    }
}
