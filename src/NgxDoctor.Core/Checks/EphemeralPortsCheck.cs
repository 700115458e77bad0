using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// Every connection to one upstream address needs a local port of its own from net.ipv4.ip_local_port_range, and a
/// closed one keeps it for a minute in TIME_WAIT. Without upstream keepalive each request costs one: near the range's
/// size, connect() fails with EADDRNOTAVAIL (99) and nginx answers 502.
/// </summary>
public sealed class EphemeralPortsCheck : ICheck
{
    public string Id => "ephemeral-ports";

    public string Title => "Connections to each upstream leave local ports free";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.ResourceExhaustion];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Connections is null || facts.System is not { EphemeralCount: > 0 } system)
        {
            return CheckOutcome.Skip("the connection table or the ephemeral port range could not be read");
        }

        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Address.Kind != UpstreamAddressKind.Unix && t.Address.Port is not null))
        {
            var port = target.Address.Port!.Value;
            var remotes = TargetListeners.Addresses(facts, target).Select(a => a.Contains(':', StringComparison.Ordinal) ? $"[{a}]:{port}" : $"{a}:{port}").ToHashSet();
            var at = FactsLookups.Of(facts).ConnectionsAt;
            var counts = remotes.SelectMany(r => at.GetValueOrDefault(r) ?? []).Order().Select(i => facts.Connections[i]).ToList();
            var used = counts.Sum(c => c.Established + c.TimeWait + c.Other);
            if (used * 2 < system.EphemeralCount)
            {
                continue;
            }

            var keepalive = target.Group is { } g ? facts.Inventory.Groups.FirstOrDefault(x => x.Name == g)?.Keepalive : null;
            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.System, "/proc/sys/net/ipv4/ip_local_port_range", $"{system.EphemeralLow} {system.EphemeralHigh}: {system.EphemeralCount} local ports per destination"));
            evidence.AddRange(counts.Select(c => new Evidence(EvidenceKind.Connection, c.Remote, $"{c.Established} established, {c.TimeWait} in TIME_WAIT, {c.Other} other")));
            evidence.Add(new Evidence(EvidenceKind.Config, target.Server?.Pos.ToString() ?? target.Sites[0].Pos.ToString(),
                keepalive is { } k ? $"upstream {target.Group} keeps {k} idle connection(s) per worker (keepalive {k})" : "no upstream keepalive: every request opens and closes a connection"));
            var critical = used * 10 >= system.EphemeralCount * 9;
            findings.Add(new Finding(Cause.ResourceExhaustion, critical ? Severity.Critical : Severity.Warning, target.Address.Text,
                $"{used} of {system.EphemeralCount} local ports are in use for connections to {target.Address.Text}",
                evidence,
                new Remedy(keepalive is null
                    ? "Reuse connections: put the server in an upstream{} with `keepalive 32;` and set `proxy_http_version 1.1;` and `proxy_set_header Connection \"\";` where it is proxied. Widening net.ipv4.ip_local_port_range and net.ipv4.tcp_tw_reuse=1 buy time."
                    : "Raise the upstream's keepalive so idle connections are reused rather than reopened, and check proxy_http_version 1.1 with an empty Connection header is set where it is proxied; widening net.ipv4.ip_local_port_range buys time.",
                    [$"ss -tan dst {target.Address.Text} | awk '{{print $1}}' | sort | uniq -c", "sysctl net.ipv4.ip_local_port_range"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }
}
