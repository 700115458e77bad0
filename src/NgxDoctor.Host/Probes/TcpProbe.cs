using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>A TCP connect to host:port, name resolution included, that never outlives its timeout.</summary>
public static class TcpProbe
{
    public static async Task<ProbeResult> RunAsync(string target, string host, int port, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        from ??= Vantage.Host;
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            var lookup = await from.LookupAsync(host, timeout, ct).ConfigureAwait(false);
            if (lookup.Outcome != DnsLookup.Ok)
            {
                return new ProbeResult(target, "tcp", ProbeOutcome.DnsFailure, clock.Elapsed.TotalMilliseconds, $"name resolution: {lookup.Detail}");
            }

            addresses = lookup.Addresses.Select(IPAddress.Parse).ToArray();
        }

        // nginx makes every address of a name a server of its own: the probe tries each, as its next-upstream would.
        var failures = new List<string>();
        ProbeResult? first = null;
        foreach (var address in addresses.Distinct())
        {
            var r = await ConnectAsync(target, address, port, literal is null, timeout, clock, from, cts.Token).ConfigureAwait(false);
            if (r.Outcome == ProbeOutcome.Connected)
            {
                var also = failures.Count > 0 ? $"; {string.Join("; ", failures)}" : "";
                return r with { Detail = r.Detail + also };
            }

            first ??= r;
            failures.Add($"{address}: {r.Detail}");
            if (r.Outcome == ProbeOutcome.TimedOut)
            {
                break;
            }
        }

        return addresses.Length > 1 ? first! with { Detail = string.Join("; ", failures) } : first!;
    }

    private static async Task<ProbeResult> ConnectAsync(string target, IPAddress address, int port, bool named, TimeSpan timeout, Stopwatch clock, Vantage from, CancellationToken ct)
    {
        using var socket = await from.SocketAsync(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp).ConfigureAwait(false);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
            return new ProbeResult(target, "tcp", ProbeOutcome.Connected, clock.Elapsed.TotalMilliseconds, "connected" + (named ? $" ({address})" : ""));
        }
        catch (OperationCanceledException)
        {
            return new ProbeResult(target, "tcp", ProbeOutcome.TimedOut, clock.Elapsed.TotalMilliseconds, $"no answer to connect within {timeout.TotalSeconds:0.#} s (packets dropped?)");
        }
        catch (SocketException e)
        {
            var (outcome, detail) = SocketErrors.Classify(e);
            return new ProbeResult(target, "tcp", outcome, clock.Elapsed.TotalMilliseconds, detail);
        }
    }
}
