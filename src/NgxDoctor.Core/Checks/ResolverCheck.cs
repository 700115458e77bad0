using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A name nginx resolves per request (a pass built from a variable) that its `resolver` servers do not resolve now:
/// no answer within resolver_timeout, or NXDOMAIN. Every request to that location gets 502 while it lasts.
/// </summary>
public sealed class ResolverCheck : ICheck
{
    public string Id => "resolver";

    public string Title => "nginx's resolver answers for the names it resolves per request";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.DnsFailure];

    public IReadOnlyList<Fact> Needs => [Fact.Dns];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var group in VariableHosts.Find(facts.Inventory).Where(v => v.Site.Resolver is not null).GroupBy(v => v.Host, StringComparer.OrdinalIgnoreCase))
        {
            var lookups = facts.Dns!.Where(d => d.Server != DnsLookup.System && string.Equals(d.Name, group.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (lookups.Count == 0 || lookups.Any(l => l.Outcome == DnsLookup.Ok))
            {
                continue;
            }

            var first = group.First();
            var evidence = DeadTargets.ConfigEvidence(first.Target with { Sites = group.Select(v => v.Site).Distinct().ToList() });
            var resolver = first.Site.Resolver!;
            evidence.Add(new Evidence(EvidenceKind.Config, resolver.Pos?.ToString() ?? "?", $"resolver {resolver.Value}"));
            if (first.Site.ResolverTimeout is { } rt)
            {
                evidence.Add(new Evidence(EvidenceKind.Config, rt.Pos?.ToString() ?? "?", $"resolver_timeout {rt.Value}"));
            }

            evidence.AddRange(lookups.Select(l => new Evidence(EvidenceKind.Dns, $"{l.Name} @{l.Server}", $"{l.Detail} ({l.ElapsedMs:0.0} ms)")));
            var silent = lookups.All(l => l.Outcome == DnsLookup.NoAnswer);
            findings.Add(new Finding(Cause.DnsFailure, Severity.Critical, group.Key,
                silent ? $"nginx's resolver {resolver.Value} does not answer for \"{group.Key}\": requests to location {first.Site.Location ?? "?"} get 502"
                    : $"nginx's resolver says \"{group.Key}\" does not resolve: requests to location {first.Site.Location ?? "?"} get 502",
                evidence,
                new Remedy(silent
                    ? "Point `resolver` at a DNS server that answers from this host (see /etc/resolv.conf; in Docker 127.0.0.11), check that UDP 53 is not filtered, then nginx -t and reload."
                    : $"Create the DNS record for {group.Key}, or fix the name in the `set` that builds proxy_pass; nginx's resolver does not read /etc/hosts.",
                    [VariableHosts.Dig(resolver.Value, group.Key)]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }
}
