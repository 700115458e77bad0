using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// A UDP "connect" as nginx's stream proxy makes one: a connected datagram socket and one empty datagram. Nothing
/// bound to the port answers with an ICMP port unreachable, which the next receive reports as a refusal (nginx logs
/// `recv() failed (111: Connection refused)`); silence only says no refusal came, since a UDP service answers its own
/// protocol alone.
/// </summary>
public static class UdpProbe
{
    /// <summary>How long to wait for a refusal: ICMP comes back within a round trip, long before the probe timeout.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(300);

    public static async Task<ProbeResult> RunAsync(string target, string host, int port, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        from ??= Vantage.Host;
        var clock = Stopwatch.StartNew();
        IPAddress address;
        if (IPAddress.TryParse(host, out var literal))
        {
            address = literal;
        }
        else
        {
            var lookup = await from.LookupAsync(host, timeout, ct).ConfigureAwait(false);
            if (lookup.Outcome != DnsLookup.Ok)
            {
                return new ProbeResult(target, "udp", ProbeOutcome.DnsFailure, clock.Elapsed.TotalMilliseconds, $"name resolution: {lookup.Detail}");
            }

            address = IPAddress.Parse(lookup.Addresses[0]);
        }

        using var socket = await from.SocketAsync(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout < RefusalWait ? timeout : RefusalWait);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, SocketFlags.None, cts.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            return new ProbeResult(target, "udp", ProbeOutcome.Connected, clock.Elapsed.TotalMilliseconds, $"datagram answered ({n} bytes)");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeResult(target, "udp", ProbeOutcome.Connected, clock.Elapsed.TotalMilliseconds,
                $"datagram sent, no refusal within {RefusalWait.TotalMilliseconds:0} ms (a UDP service answers only its own protocol)");
        }
        catch (SocketException e)
        {
            var (outcome, detail) = SocketErrors.Classify(e);
            return new ProbeResult(target, "udp", outcome, clock.Elapsed.TotalMilliseconds, detail);
        }
    }
}
