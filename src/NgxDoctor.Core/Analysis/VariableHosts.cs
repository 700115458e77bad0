using System.Net;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>A hostname nginx resolves per request (a pass built from variables whose `set` value is known).</summary>
public sealed record VariableHost(UpstreamTarget Target, PassSite Site, string Host, int? Port);

/// <summary>
/// The hostnames behind passes built from variables: nginx resolves these with its own `resolver` on every request
/// (not /etc/hosts), unlike literal names, which the system resolver turns into addresses once at start-up.
/// </summary>
public static class VariableHosts
{
    public static IEnumerable<VariableHost> Find(UpstreamInventory inventory)
    {
        foreach (var target in inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Variable))
        {
            foreach (var site in target.Sites.Where(s => s.ExpandedArgument is not null))
            {
                var pass = PassDirective.Find(site.Directive)!;
                var (_, address, _) = pass.Split(site.ExpandedArgument!);
                var parsed = UpstreamAddress.Parse(address, pass.PortFor(site.Protocol));
                if (parsed.Host is { } host && !IPAddress.TryParse(host, out _) && inventory.Groups.All(g => g.Name != host)
                    && !address.StartsWith("unix:", StringComparison.Ordinal))
                {
                    yield return new VariableHost(target, site, host, parsed.Port);
                }
            }
        }
    }

    /// <summary>The answers nginx's `resolver` servers gave for a name (the system resolver's are not nginx's per-request ones).</summary>
    public static IReadOnlyList<DnsLookup> ResolverAnswers(IReadOnlyList<DnsLookup> lookups, string host) =>
        lookups.Where(l => l.Server != DnsLookup.System && l.Outcome == DnsLookup.Ok && string.Equals(l.Name, host, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>A lookup's answer as evidence: "api.test (@127.0.0.1:53) resolves now to 10.0.0.5 (1.2 ms)".</summary>
    public static Evidence AnswerEvidence(DnsLookup l) =>
        new(EvidenceKind.Dns, $"{l.Name} ({(l.Server == DnsLookup.System ? "system resolver" : "@" + l.Server)})", $"resolves now to {string.Join(", ", l.Addresses)} ({l.ElapsedMs:0.0} ms)");

    /// <summary>
    /// Where nginx's resolver sends a variable pass now: "address:port" for each address its `resolver` servers answer
    /// for the host (these addresses are probed like literal upstreams, under that text).
    /// </summary>
    public static IReadOnlyList<string> AddressesNow(IReadOnlyList<DnsLookup> lookups, VariableHost host) => host.Port is not { } port ? [] : ResolverAnswers(lookups, host.Host)
        .SelectMany(l => l.Addresses).Distinct(StringComparer.OrdinalIgnoreCase)
        .Select(a => (a.Contains(':', StringComparison.Ordinal) ? $"[{a}]" : a) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToList();

    /// <summary>
    /// The targets variable passes make now: one per address nginx's resolver answers (see AddressesNow), carrying the
    /// passes that lead there and the name it was resolved from, so checks can treat them as configured addresses.
    /// </summary>
    public static IReadOnlyList<(UpstreamTarget Target, string Host)> ResolvedTargets(DiagnosisFacts facts) =>
        facts.Dns is null ? [] : ResolvedTargets(facts.Inventory, facts.Dns);

    public static IReadOnlyList<(UpstreamTarget Target, string Host)> ResolvedTargets(UpstreamInventory inventory, IReadOnlyList<DnsLookup> lookups)
    {
        var configured = inventory.Targets.Select(t => t.Address.Text).ToHashSet(StringComparer.Ordinal);
        return Find(inventory).Where(v => v.Site.Resolver is not null)
            .SelectMany(v => AddressesNow(lookups, v).Where(a => !configured.Contains(a)).Select(a => (Address: a, v.Site, v.Host)))
            .GroupBy(x => x.Address, StringComparer.Ordinal)
            .Select(g => (new UpstreamTarget(UpstreamAddress.Parse(g.Key, null), null, null, g.Select(x => x.Site).Distinct().ToList()), g.First().Host))
            .ToList();
    }

    /// <summary>The `dig` line that asks the first server of a `resolver` line what nginx asks it.</summary>
    public static string Dig(string resolverValue, string host) => Servers(resolverValue).FirstOrDefault() is var (server, port) && server is not null
        ? $"dig @{server}{(port == 53 ? "" : $" -p {port.ToString(System.Globalization.CultureInfo.InvariantCulture)}")} {host}"
        : $"dig {host}";

    /// <summary>The servers of a `resolver` line ("127.0.0.1", "[::1]:5353", "dns.local"), each as (host, port).</summary>
    public static IReadOnlyList<(string Host, int Port)> Servers(string resolverValue)
    {
        var servers = new List<(string, int)>();
        foreach (var word in resolverValue.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.Contains('=', StringComparison.Ordinal)))
        {
            if (word.StartsWith('['))
            {
                var close = word.IndexOf(']', StringComparison.Ordinal);
                var port = close > 0 && close + 2 < word.Length && int.TryParse(word[(close + 2)..], out var p6) ? p6 : 53;
                servers.Add((word[1..Math.Max(1, close)], port));
            }
            else if (word.Count(c => c == ':') == 1)
            {
                var colon = word.IndexOf(':', StringComparison.Ordinal);
                servers.Add((word[..colon], int.TryParse(word[(colon + 1)..], out var p) ? p : 53));
            }
            else
            {
                servers.Add((word, 53));
            }
        }

        return servers;
    }
}
