using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A remote upstream whose connect got no answer, told apart by what else its host says. No ARP reply for it on
/// nginx's link: the host is gone (upstream-down, naming the host). Another of its ports answers (even with a
/// refusal) while the upstream's port stays silent: a packet filter drops that port, on the host, in a security
/// group or on the way (firewall-blocked). Neither: nothing is said here (a slow accept queue looks the same).
/// </summary>
public sealed class RemoteHostCheck : ICheck
{
    public const string CheckId = "remote-host";

    public string Id => CheckId;

    public string Title => "Remote upstream hosts answer, and their upstream ports are not filtered";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.FirewallBlocked, Cause.UpstreamDown];

    public IReadOnlyList<Fact> Needs => [Fact.Probes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var host in facts.RemoteHosts)
        {
            var silent = facts.Inventory.Targets
                .Where(t => facts.ProbeFor(t) is { Outcome: ProbeOutcome.TimedOut or ProbeOutcome.Unreachable } && TargetListeners.Addresses(facts, t).Contains(host.Address))
                .DistinctBy(t => t.Address.Text).ToList();
            if (silent.Count == 0)
            {
                continue;
            }

            if (host.Silent)
            {
                findings.Add(Gone(facts, host, silent));
            }
            else if (host.Answering.Count > 0)
            {
                findings.AddRange(silent.Where(t => facts.ProbeFor(t)!.Outcome == ProbeOutcome.TimedOut).Select(t => Filtered(facts, host, t)));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static Finding Gone(DiagnosisFacts facts, RemoteHost host, IReadOnlyList<UpstreamTarget> targets)
    {
        var evidence = targets.SelectMany(t => Probed(facts, t)).ToList();
        evidence.Add(new Evidence(EvidenceKind.System, "neighbour table (/proc/net/arp of nginx's network)", $"{host.Address}: incomplete: no ARP reply from anything on the link"));
        evidence.AddRange(host.OtherPorts.Select(p => new Evidence(EvidenceKind.Probe, $"{p.Method} {p.Target}", p.Describe) { Absence = true }));
        var names = string.Join(", ", targets.Select(t => t.Address.Text));
        return new Finding(Cause.UpstreamDown, Severity.Critical, targets[0].Address.Text,
            $"Host {host.Address} does not answer on its network (no ARP reply): {names} cannot be reached", evidence,
            new Remedy("The host is down or gone from this network: a stopped machine or container, or an address that moved (DNS or service discovery may point elsewhere now). Start it, or point nginx at where the backend is now.",
                [$"ip neigh show {host.Address}", $"ping -c 3 {host.Address}"]))
        {
            Basis = Basis.Probe,
            Affects = targets.Count > 1 ? targets.Select(t => t.Address.Text).ToList() : [],
        };
    }

    private static Finding Filtered(DiagnosisFacts facts, RemoteHost host, UpstreamTarget target)
    {
        var port = target.Address.Port!.Value;
        var answers = string.Join(", ", host.Answering.Select(p => $"{p.Target} {(p.Outcome == ProbeOutcome.Refused ? "refused" : "connected")}"));
        var evidence = Probed(facts, target);
        evidence.AddRange(host.Answering.Select(p => new Evidence(EvidenceKind.Probe, $"{p.Method} {p.Target}", $"{p.Describe}: the host is up")));
        return new Finding(Cause.FirewallBlocked, Severity.Critical, target.Address.Text,
            $"{host.Address} answers on other ports ({answers}) but connects to {target.Address.Text} get no answer: packets to port {port} are dropped", evidence,
            new Remedy($"A packet filter drops TCP to port {port}: on {host.Address} itself (nft, iptables, ufw, firewalld), in a cloud security group or network ACL, or on a firewall on the way. Allow TCP from nginx's host to {host.Address}:{port} there. (A backend whose accept queue is full drops connects the same way: check `ss -ltn` on {host.Address}.)",
                [$"nc -vz -w 3 {host.Address} {port}", $"traceroute -T -p {port} {host.Address}"]))
        {
            Basis = Basis.Probe,
        };
    }

    private static List<Evidence> Probed(DiagnosisFacts facts, UpstreamTarget target)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        if (facts.ProbeFor(target) is { } probe)
        {
            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
        }

        return evidence;
    }
}
