using System.Globalization;
using System.Net;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Asks a remote host whose upstream port gave no answer what else it says: its neighbour (ARP) entry in nginx's
/// network namespace, and a connect to a few well-known ports of it. Bounded: a few hosts, one short timeout, all at once.
/// </summary>
public static class RemoteHosts
{
    private const int MaxHosts = 8;
    private static readonly int[] OtherPorts = [22, 80, 443];

    public static async Task<IReadOnlyList<RemoteHost>> AskAsync(IReadOnlyList<ProbeResult> probes, string netDir, TimeSpan timeout, CancellationToken ct, Vantage from)
    {
        var silent = probes.Where(p => p.Method == "tcp" && p.Outcome is ProbeOutcome.TimedOut or ProbeOutcome.Unreachable)
            .Select(p => (Probe: p, Host: Split(p.Target))).Where(x => x.Host is { } h && !IPAddress.IsLoopback(h.Address))
            .GroupBy(x => x.Host!.Value.Address).Take(MaxHosts).ToList();
        if (silent.Count == 0)
        {
            return [];
        }

        var wait = TimeSpan.FromMilliseconds(Math.Min(timeout.TotalMilliseconds, 1000));
        var asked = silent.Select(async g =>
        {
            var used = g.Select(x => x.Host!.Value.Port).ToHashSet();
            var address = g.Key.ToString();
            var shown = g.Key.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
            var others = await Task.WhenAll(OtherPorts.Where(p => !used.Contains(p))
                .Select(p => TcpProbe.RunAsync($"{shown}:{p.ToString(CultureInfo.InvariantCulture)}", address, p, wait, ct, from))).ConfigureAwait(false);
            return new RemoteHost(address, Neighbour(netDir, address), others);
        });
        return await Task.WhenAll(asked).ConfigureAwait(false);
    }

    /// <summary>The state of the IPv4 neighbour entry (/proc/net/arp: flags 0x0 incomplete, ATF_COM complete); null when there is none.</summary>
    public static string? Neighbour(string netDir, string address)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(netDir, "net/arp")).Skip(1).Take(4096))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length >= 4 && cols[0] == address && int.TryParse(cols[2].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags))
                {
                    return (flags & 0x2) != 0 ? RemoteHost.Complete : RemoteHost.Incomplete;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    private static (IPAddress Address, int Port)? Split(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 && IPAddress.TryParse(target[..colon].Trim('[', ']'), out var address) && int.TryParse(target.AsSpan(colon + 1), CultureInfo.InvariantCulture, out var port)
            ? (address, port) : null;
    }
}
