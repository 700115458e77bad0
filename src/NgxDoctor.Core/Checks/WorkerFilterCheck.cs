using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// Root's probe connects, the same connect from a socket with nginx's worker's uid and groups fails: a packet filter
/// rule that matches users or groups (iptables `-m owner`, nft `meta skuid/skgid`) stops nginx and lets root through.
/// The rule is quoted when it could be read. Without this, nginx's refusals look like an outage that has ended.
/// </summary>
public sealed class WorkerFilterCheck : ICheck
{
    public string Id => "worker-filter";

    public string Title => "nginx's worker user reaches the upstreams root reaches";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.FirewallBlocked];

    public IReadOnlyList<Fact> Needs => [Fact.Probes, Fact.WorkerProbes, Fact.Worker];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Server?.IsDown != true))
        {
            if (Blocked(facts, target) is ({ } root, { } worker))
            {
                findings.Add(Describe(facts, target, root, worker));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>Root's and the worker's probe when root connects and the worker does not.</summary>
    public static (ProbeResult? Root, ProbeResult? Worker) Blocked(DiagnosisFacts facts, UpstreamTarget target) =>
        facts.ProbeFor(target) is { Outcome: ProbeOutcome.Connected } root && facts.WorkerProbeFor(target) is { Outcome: not ProbeOutcome.Connected } worker
            ? (root, worker)
            : (null, null);

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, ProbeResult root, ProbeResult worker)
    {
        var w = facts.Worker!;
        var who = $"{w.User} (uid {w.Uid}, gid {w.Gid})";
        var port = target.Address.Port ?? 0;
        var addresses = TargetListeners.Addresses(facts, target);
        var rules = (facts.Firewall?.Rules ?? []).Where(r => r.ByOwner && r.AppliesTo(w.Uid, w.User, w.Gid, w.Groups) && !r.AppliesTo(0, "root", 0, [0])
            && (addresses.Count == 0 || addresses.Any(a => r.Matches(a, port)))).ToList();
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Probe, $"{root.Method} {target.Address.Text} as root", root.Describe));
        evidence.Add(new Evidence(EvidenceKind.Probe, $"{worker.Method} {target.Address.Text} as {w.User}", $"{worker.Describe} (a socket with the worker's uid {w.Uid}, gid {w.Gid} and groups)"));
        evidence.AddRange(rules.Take(5).Select(r => new Evidence(EvidenceKind.Firewall, facts.Firewall!.Source, r.Text)));
        if (rules.Count == 0)
        {
            evidence.Add(new Evidence(EvidenceKind.Firewall, facts.Firewall?.Source ?? "not read",
                facts.Firewall is { Problem: { } why } ? $"the rules could not be read ({why})" : "no readable drop/reject rule matches this user; look for AppArmor or SELinux denials (journalctl -k | grep -i denied)")
            { Absence = true });
        }

        evidence.AddRange(LogEvidence.For(LogEvidence.ForAddress(facts, target.Address.Text, [Logs.FailureKind.ConnectRefused, Logs.FailureKind.ConnectTimeout, Logs.FailureKind.Unreachable])));
        var failed = worker.Outcome switch { ProbeOutcome.TimedOut => "dropped", ProbeOutcome.Refused => "refused", _ => "denied" };
        var title = rules.Count > 0
            ? $"A packet filter rule for {w.User}'s sockets stops nginx's connections to {target.Address.Text} ({failed}); root's connect gets through"
            : $"Connections to {target.Address.Text} as nginx's worker user {who} are {failed}; as root they connect";
        var commands = rules.Take(1).Select(Undo).OfType<string>().Append("nft -a list ruleset").Append("iptables-save").Distinct().ToList();
        return new Finding(Cause.FirewallBlocked, Severity.Critical, target.Address.Text, title, evidence,
            new Remedy($"Remove or narrow the rule that matches {w.User}'s sockets ({(rules.Count > 0 ? rules[0].Text : "an owner match: iptables -m owner, nft meta skuid/skgid")}), or add an accept for nginx before it; a probe as root does not see it.", commands))
        {
            Check = "worker-filter",
        };
    }

    /// <summary>The command that deletes an iptables rule as iptables-save printed it ("-A OUTPUT ..." → "iptables -D OUTPUT ...").</summary>
    private static string? Undo(FirewallRule rule) =>
        rule.Text.StartsWith("-A ", StringComparison.Ordinal) ? $"iptables -t {rule.Chain.Split(' ')[0]} -D {rule.Text[3..]}" : null;
}
