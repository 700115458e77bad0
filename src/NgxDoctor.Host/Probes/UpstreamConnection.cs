using System.Net;
using System.Net.Sockets;
using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Host.Probes;

/// <summary>A connected socket to an upstream address (TCP by name or IP, or a unix socket), for the protocol probes.</summary>
public static class UpstreamConnection
{
    public static async Task<Socket> ConnectAsync(UpstreamAddress address, CancellationToken ct)
    {
        var unix = address.Kind == UpstreamAddressKind.Unix;
        var socket = unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        EndPoint endPoint = unix ? new UnixDomainSocketEndPoint(address.SocketPath!) : new DnsEndPoint(address.Host!, address.Port!.Value);
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
}
