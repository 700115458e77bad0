using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A backend listens, its accept queue is not full, yet nginx's connection times out (dropped) or is refused
/// (rejected): only a packet filter does that on one host. The rule that matches the address and port is quoted
/// when the rules could be read; the contradiction alone is the evidence when they could not. A remote upstream
/// that times out is firewall-blocked only when a local rule matches it; otherwise the far side is named as unchecked.
/// </summary>
public sealed class FirewallCheck : ICheck
{
    public string Id => "firewall";

    public string Title => "No packet filter stands between nginx and a listening upstream";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.FirewallBlocked];

    public IReadOnlyList<Fact> Needs => [Fact.Probes, Fact.Listeners];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        var remote = new List<string>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Server?.IsDown != true && t.Address.Kind != UpstreamAddressKind.Unix))
        {
            if (facts.ProbeFor(target) is not { Outcome: ProbeOutcome.TimedOut or ProbeOutcome.Refused } probe)
            {
                continue;
            }

            var listener = TargetListeners.Find(facts, target);
            var rules = MatchingRules(facts, target);
            if (listener is { AcceptQueue: 0 } || (listener is null && probe.Outcome == ProbeOutcome.TimedOut && !target.Address.IsLoopback && rules.Count > 0))
            {
                findings.Add(Describe(facts, target, probe, listener, rules));
            }
            else if (listener is null && probe.Outcome == ProbeOutcome.TimedOut && !target.Address.IsLoopback)
            {
                remote.Add(target.Address.Text);
            }
        }

        return remote.Count > 0 && findings.Count == 0
            ? CheckOutcome.Skip($"connect to {string.Join(", ", remote)} timed out and no local rule matches: a firewall or security group on the far side, or a host that is down, cannot be told apart from here (check the far side's rules and that the host is up)")
            : CheckOutcome.Ran(findings);
    }

    private static List<FirewallRule> MatchingRules(DiagnosisFacts facts, UpstreamTarget target)
    {
        var port = target.Address.Port ?? 0;
        var addresses = TargetListeners.Addresses(facts, target);
        // Root's probe failed: a rule limited to other users' sockets does not explain that.
        var rules = (facts.Firewall?.Rules ?? []).Where(r => r.AppliesTo(0, "root", 0, [0])).ToList();
        var explicitRules = rules.Where(r => r.Verdict != "policy-drop" && addresses.Any(a => r.Matches(a, port))).ToList();
        return explicitRules.Count > 0 ? explicitRules : rules.Where(r => r.Verdict == "policy-drop").ToList();
    }

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, ProbeResult probe, Listener? listener, List<FirewallRule> rules)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
        var (dropped, drops) = probe.Outcome == ProbeOutcome.TimedOut ? ("dropped", "drops") : ("rejected", "rejects");
        if (listener is not null)
        {
            evidence.Add(new Evidence(EvidenceKind.Process, listener.Display, $"{listener.Owner} listens and its accept queue is empty, yet the connection was {dropped}"));
        }

        foreach (var rule in rules.Take(5))
        {
            evidence.Add(new Evidence(EvidenceKind.Firewall, facts.Firewall!.Source, rule.Text));
        }

        if (rules.Count == 0)
        {
            evidence.Add(new Evidence(EvidenceKind.Firewall, facts.Firewall?.Source ?? "not read",
                facts.Firewall is { Problem: { } why } ? $"the rules could not be read ({why}); a listener that does not get the connection is the evidence"
                : facts.Firewall is null ? "the rules were not read" : "no drop/reject rule names this address and port (a negated match, another table or a hook in between may)")
            { Absence = true });
        }

        var timeout = target.Sites[0].Setting("_connect_timeout");
        var when = probe.Outcome == ProbeOutcome.TimedOut
            ? timeout is null ? " nginx waits for the connect timeout, then 504." : $" nginx waits {timeout.Value} (connect timeout), then 504."
            : " nginx gets connection refused: 502.";
        var title = listener is null
            ? $"A local packet filter rule {drops} connections to {target.Address.Text}"
            : $"Connections to {target.Address.Text} are {dropped} although {listener.Owner} listens there";
        return new Finding(Cause.FirewallBlocked, Severity.Critical, target.Address.Text, title, evidence,
            new Remedy($"Remove or narrow the rule that {drops} traffic to port {target.Address.Port} (or add an accept for nginx before it).{when}",
                ["nft -a list ruleset", "iptables-save", $"ss -ltnp 'sport = :{target.Address.Port}'"]))
        {
            Check = "firewall",
        };
    }
}
