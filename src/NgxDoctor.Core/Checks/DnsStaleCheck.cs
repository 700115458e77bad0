using System.Net;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// nginx resolves a literal upstream name once, at start-up, and a name in a variable pass through its `resolver`,
/// whose answers it caches for their TTL (or `valid=`). When the addresses its workers connect to (the `upstream:`
/// of its error-log lines, their established connections) are no longer among the addresses the name resolves to
/// now (through the system resolver, or nginx's `resolver` servers), nginx is talking to where the backend used to be.
/// </summary>
public sealed class DnsStaleCheck : ICheck
{
    public string Id => Cause.DnsStale.Code();

    public string Title => "nginx uses the addresses its upstream names resolve to now";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.DnsStale];

    public IReadOnlyList<Fact> Needs => [Fact.Dns];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var literal = facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Ip).Select(t => t.Address.Text).ToHashSet(StringComparer.Ordinal);
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Hostname && t.Address.Port is not null))
        {
            var lookup = facts.Dns!.FirstOrDefault(d => d.Server == DnsLookup.System && string.Equals(d.Name, target.Address.Host, StringComparison.OrdinalIgnoreCase));
            if (lookup is { Outcome: DnsLookup.Ok } && Stale(facts, literal, target, target.Address.Host!, target.Address.Port!.Value, [lookup]) is { } found)
            {
                findings.Add(Found(facts, found, target.Address.Text, $"nginx still sends {target.Address.Text} requests to {found.Stale}; {target.Address.Host} resolves to {string.Join(", ", lookup.Addresses)} now",
                    new Remedy($"nginx resolved {target.Address.Host} when it started and keeps that address. Reload it to resolve again (nginx -t && nginx -s reload); to follow DNS changes from now on, use `resolver` with a variable in proxy_pass (or `server {target.Address.Host} resolve;` in an upstream{{}} with a zone, nginx 1.27.3+).",
                        ["nginx -t", "nginx -s reload", $"getent ahosts {target.Address.Host}"])));
            }
        }

        foreach (var group in VariableHosts.Find(facts.Inventory).Where(v => v.Site.Resolver is not null && v.Port is not null).GroupBy(v => (v.Target, v.Host, v.Port)))
        {
            var (target, host, port) = group.Key;
            var lookups = VariableHosts.ResolverAnswers(facts.Dns!, host);
            if (lookups.Count > 0 && Stale(facts, literal, target with { Sites = group.Select(v => v.Site).Distinct().ToList() }, host, port!.Value, lookups) is { } found)
            {
                var resolver = group.First().Site.Resolver!;
                found.Evidence.Insert(found.Evidence.Count(e => e.Kind == EvidenceKind.Config), new Evidence(EvidenceKind.Config, resolver.Pos?.ToString() ?? "?", $"resolver {resolver.Value}"));
                var now = VariableHosts.AddressesNow(facts.Dns!, group.First());
                found.Evidence.AddRange((facts.Probes ?? []).Where(p => now.Contains(p.Target)).Select(p => new Evidence(EvidenceKind.Probe, $"{p.Method} {p.Target}", p.Describe)));
                var valid = resolver.Value.Split(' ').FirstOrDefault(w => w.StartsWith("valid=", StringComparison.Ordinal));
                findings.Add(Found(facts, found, target.Address.Text, $"nginx's resolver cache still sends {host} requests to {found.Stale}; {host} resolves to {string.Join(", ", lookups.SelectMany(l => l.Addresses).Distinct())} now",
                    new Remedy($"nginx caches what its resolver answered for {host} for {(valid is null ? "the answer's TTL" : valid)} and sends requests to that address until it expires. Reload nginx to empty the cache now (nginx -t && nginx -s reload); {(valid is null ? "a long TTL on the record keeps old addresses long: add valid=30s to `resolver`" : "a shorter valid= in `resolver` follows a move sooner")}.",
                        ["nginx -t", "nginx -s reload", VariableHosts.Dig(resolver.Value, host)])));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>The evidence and the old addresses when nginx's workers reach the name's port at addresses it no longer resolves to.</summary>
    private static Staleness? Stale(DiagnosisFacts facts, HashSet<string> literal, Config.Upstreams.UpstreamTarget target, string host, int port, IReadOnlyList<DnsLookup> now)
    {
        bool Old(string? peer) => peer is not null && !literal.Contains(peer) && Split(peer) is { } p && p.Port == port
            && !now.Any(l => l.Addresses.Contains(p.Address, StringComparer.OrdinalIgnoreCase));
        var logged = facts.Logs?.Incidents.Where(i => Old(i.Upstream)).ToList() ?? [];
        var held = facts.Connections?.Where(c => c.HeldByNginx > 0 && Old(c.Remote)).ToList() ?? [];
        if (logged.Count == 0 && held.Count == 0)
        {
            return null;
        }

        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.AddRange(now.Select(VariableHosts.AnswerEvidence));
        evidence.AddRange(held.Select(c => new Evidence(EvidenceKind.Connection, c.Remote, $"nginx's workers hold {c.HeldByNginx} connection(s) to this old address")));
        evidence.AddRange(LogEvidence.For(logged));
        return new Staleness(evidence, string.Join(", ", held.Select(c => c.Remote).Concat(logged.Select(i => i.Upstream!)).Distinct()), logged);
    }

    private Finding Found(DiagnosisFacts facts, Staleness found, string upstream, string title, Remedy remedy)
    {
        var failing = facts.Logs is { } logs && found.Logged.Count > 0 && !LogEvidence.HasStopped(logs, found.Logged);
        return new Finding(Cause.DnsStale, failing ? Severity.Critical : Severity.Warning, upstream, title, found.Evidence, remedy)
        {
            Check = Id,
            SeenAt = found.Logged.Select(i => i.Upstream!).Distinct().ToList(),
        };
    }

    private static (string Address, int Port)? Split(string peer)
    {
        var colon = peer.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(peer[(colon + 1)..], out var port))
        {
            return null;
        }

        var address = peer[..colon].Trim('[', ']');
        return IPAddress.TryParse(address, out _) ? (address, port) : null;
    }

    private sealed record Staleness(List<Evidence> Evidence, string Stale, IReadOnlyList<LogIncident> Logged);
}
