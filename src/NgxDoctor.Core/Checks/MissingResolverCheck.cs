using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A proxy_pass built from variables resolves its host per request with nginx's own resolver; without a `resolver`
/// every request there gets 502 ("no resolver defined to resolve NAME"). Reported only when the set value is known
/// and names a host that is neither an IP address nor an upstream{} group.
/// </summary>
public sealed class MissingResolverCheck : ICheck
{
    public string Id => "missing-resolver";

    public string Title => "Upstreams named through variables have a resolver";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.DnsFailure];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var (target, site, host, _) in VariableHosts.Find(facts.Inventory).Where(v => v.Site.Resolver is null))
        {
            var evidence = DeadTargets.ConfigEvidence(target with { Sites = [site] });
            evidence.Add(new Evidence(EvidenceKind.Config, site.Pos.ToString(), $"{site.Argument} is {site.ExpandedArgument} here, and no `resolver` is in force"));
            findings.Add(new Finding(Cause.DnsFailure, Severity.Critical, host,
                $"No resolver for \"{host}\": every request to location {site.Location ?? "?"} gets 502 (no resolver defined)",
                evidence,
                new Remedy("Add `resolver <dns-server-ip> valid=30s;` (and resolver_timeout) in that server or http block; nginx's resolver does not read /etc/hosts. Or use an upstream{} group, or the literal name in proxy_pass (resolved once at start).", ["grep nameserver /etc/resolv.conf"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }
}
