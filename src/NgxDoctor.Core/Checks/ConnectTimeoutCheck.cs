using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A connect to a local upstream that gets no answer while a process listens there. On one host only two
/// things drop a SYN: a full accept queue (connections wait unaccepted: the backend is saturated) or a
/// packet filter (the queue is empty). Remote timeouts cannot be told apart from here and are listed as not checked.
/// </summary>
public sealed class ConnectTimeoutCheck : ICheck
{
    public string Id => "connect-timeout";

    public string Title => "Connections to local upstreams are answered";

    public IReadOnlyList<string> Needs => [nameof(DiagnosisFacts.Inventory), nameof(DiagnosisFacts.Probes), nameof(DiagnosisFacts.Listeners)];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Probes is null || facts.Listeners is null)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected("probes") ?? "no probes or listener table");
        }

        var findings = new List<Finding>();
        var remote = new List<string>();
        foreach (var target in facts.Inventory.Targets)
        {
            if (facts.ProbeFor(target) is not { Outcome: ProbeOutcome.TimedOut } probe || target.Server?.IsDown == true)
            {
                continue;
            }

            var listener = facts.Listeners.FirstOrDefault(l => l.Path is null && l.Port == target.Address.Port && (l.IsWildcard || l.Address == target.Address.Host));
            if (!target.Address.IsLoopback || listener is null)
            {
                remote.Add(target.Address.Text);
                continue;
            }

            findings.Add(Describe(facts, target, probe, listener));
        }

        return remote.Count > 0 && findings.Count == 0
            ? CheckOutcome.Skip($"connect to {string.Join(", ", remote)} timed out: a firewall, a host that is down or a saturated backend elsewhere cannot be told apart from here")
            : CheckOutcome.Ran(findings);
    }

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, ProbeResult probe, Listener listener)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence("probe", $"{probe.Method} {target.Address.Text}", probe.Describe));
        var timeout = target.Sites[0].Setting("_connect_timeout");
        var when = timeout is null ? "" : $" after {target.Sites[0].Directive.Split('_')[0]}_connect_timeout ({timeout.Value})";
        if (listener.AcceptQueue > 0)
        {
            evidence.Add(new Evidence("process", listener.Display, $"{listener.Owner} listens, with {listener.AcceptQueue} connection(s) waiting unaccepted in its queue"));
            return new Finding(Cause.PoolExhausted, Severity.Critical, target.Address.Text,
                $"{listener.Owner} on {target.Address.Text} does not accept connections: its accept queue is full",
                evidence,
                new Remedy($"The backend is saturated or stuck: every worker is busy and new connections wait until nginx gives up{when} (504). Check the backend's workers (threads, pm.max_children) and its slow requests; restart it if it is hung.", [$"ss -ltn 'sport = :{target.Address.Port}'"]))
            { Check = "connect-timeout" };
        }

        evidence.Add(new Evidence("process", listener.Display, $"{listener.Owner} listens and its accept queue is empty, yet the connect got no answer"));
        return new Finding(Cause.FirewallBlocked, Severity.Critical, target.Address.Text,
            $"Connections to {target.Address.Text} are dropped although {listener.Owner} listens there",
            evidence,
            new Remedy($"A packet filter drops the connection before it reaches the socket; nginx gives up{when} (504). Find and remove the rule.", ["nft list ruleset", "iptables-save"]))
        { Check = "connect-timeout" };
    }
}
