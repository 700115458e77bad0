using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Looks the upstreams' names up the two ways nginx does: literal names with the system resolver (/etc/hosts,
/// /etc/resolv.conf: what nginx did at start-up), names behind variables by asking the `resolver` servers
/// directly, within resolver_timeout (capped by the probe timeout). Every lookup ends within its timeout.
/// </summary>
public static class DnsProbe
{
    public static async Task<IReadOnlyList<DnsLookup>> RunAsync(UpstreamInventory inventory, TimeSpan timeout, CancellationToken ct, Vantage? from = null)
    {
        from ??= Vantage.Host;
        var tasks = new List<Task<DnsLookup>>();
        var groups = inventory.Groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Hostname && !groups.Contains(t.Address.Host!))
                     .Select(t => t.Address.Host!).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            tasks.Add(from.LookupAsync(name, timeout, ct));
        }

        var asked = new HashSet<(string, string)>();
        foreach (var v in VariableHosts.Find(inventory).Where(v => v.Site.Resolver is not null))
        {
            var limit = v.Site.ResolverTimeout is { } rt && ConfigValues.TryParseTime(rt.Value, out var t) && t < timeout ? t : timeout;
            foreach (var (host, port) in VariableHosts.Servers(v.Site.Resolver!.Value))
            {
                var server = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
                if (asked.Add((v.Host, server)))
                {
                    tasks.Add(ResolverAsync(v.Host, host, port, server, limit, from, ct));
                }
            }
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public static async Task<DnsLookup> SystemAsync(string name, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();

        // getaddrinfo may ignore cancellation, so the wait is bounded separately.
        var lookup = Dns.GetHostAddressesAsync(name, ct);
        var done = await Task.WhenAny(lookup, Task.Delay(timeout, ct)).ConfigureAwait(false);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (done != lookup || lookup.IsCanceled)
        {
            return new DnsLookup(name, DnsLookup.System, DnsLookup.NoAnswer, [], ms, $"no answer within {timeout.TotalSeconds:0.#} s");
        }

        if (!lookup.IsCompletedSuccessfully)
        {
            var e = lookup.Exception?.InnerException;
            var outcome = e is SocketException { SocketErrorCode: SocketError.HostNotFound } ? DnsLookup.NotFound : DnsLookup.Failed;
            return new DnsLookup(name, DnsLookup.System, outcome, [], ms, $"does not resolve ({e?.Message})");
        }

        var addresses = lookup.Result.Select(a => a.ToString()).Distinct().ToList();
        return addresses.Count == 0
            ? new DnsLookup(name, DnsLookup.System, DnsLookup.NotFound, [], ms, "resolves to no address")
            : new DnsLookup(name, DnsLookup.System, DnsLookup.Ok, addresses, ms, string.Join(", ", addresses));
    }

    private static async Task<DnsLookup> ResolverAsync(string name, string host, int port, string server, TimeSpan timeout, Vantage from, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!IPAddress.TryParse(host, out var ip))
        {
            var system = await from.LookupAsync(host, timeout, ct).ConfigureAwait(false);
            if (system.Addresses.Count == 0 || !IPAddress.TryParse(system.Addresses[0], out ip))
            {
                return new DnsLookup(name, server, DnsLookup.Failed, [], clock.Elapsed.TotalMilliseconds, $"the resolver's own name {host} does not resolve");
            }
        }

        if (from.AskAsync(name, ip, port, server, timeout, ct) is { } inNamespace)
        {
            return await inNamespace.ConfigureAwait(false);
        }

        var client = new LookupClient(new LookupClientOptions(new NameServer(ip, port))
        {
            Timeout = timeout,
            Retries = 0,
            UseCache = false,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var a = client.QueryAsync(name, QueryType.A, QueryClass.IN, cts.Token);
            var aaaa = client.QueryAsync(name, QueryType.AAAA, QueryClass.IN, cts.Token);
            await Task.WhenAll(a, aaaa).ConfigureAwait(false);
            var ms = clock.Elapsed.TotalMilliseconds;
            var addresses = a.Result.Answers.ARecords().Select(r => r.Address.ToString())
                .Concat(aaaa.Result.Answers.AaaaRecords().Select(r => r.Address.ToString())).Distinct().ToList();
            if (addresses.Count > 0)
            {
                return new DnsLookup(name, server, DnsLookup.Ok, addresses, ms, string.Join(", ", addresses));
            }

            var code = a.Result.Header.ResponseCode;
            return code == DnsHeaderResponseCode.NotExistentDomain || (code == DnsHeaderResponseCode.NoError)
                ? new DnsLookup(name, server, DnsLookup.NotFound, [], ms, code == DnsHeaderResponseCode.NoError ? "the resolver knows the name but has no address for it" : "the resolver says the name does not exist (NXDOMAIN)")
                : new DnsLookup(name, server, DnsLookup.Failed, [], ms, $"the resolver answered {code}");
        }
        catch (Exception e) when (e is DnsResponseException or OperationCanceledException or SocketException)
        {
            return new DnsLookup(name, server, DnsLookup.NoAnswer, [], clock.Elapsed.TotalMilliseconds, $"no answer from {server} within {timeout.TotalSeconds:0.#} s");
        }
    }
}
