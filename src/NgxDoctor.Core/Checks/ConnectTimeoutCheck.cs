using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A connect to a local upstream that gets no answer while a process listens there with a full accept queue:
/// connections wait unaccepted, the backend is saturated. (With an empty queue it is a packet filter: the
/// firewall check.)
/// </summary>
public sealed class ConnectTimeoutCheck : ICheck
{
    public string Id => "connect-timeout";

    public string Title => "Connections to local upstreams are answered";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.PoolExhausted];

    public IReadOnlyList<Fact> Needs => [Fact.Probes, Fact.Listeners];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets)
        {
            if (facts.ProbeFor(target) is { Outcome: ProbeOutcome.TimedOut } probe && target.Server?.IsDown != true
                && TargetListeners.Find(facts, target) is { AcceptQueue: > 0 } listener)
            {
                findings.Add(Describe(target, probe, listener));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static Finding Describe(UpstreamTarget target, ProbeResult probe, Listener listener)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
        var timeout = target.Sites[0].Setting("_connect_timeout");
        var when = timeout is null ? "" : $" after {target.Sites[0].Directive.Split('_')[0]}_connect_timeout ({timeout.Value})";
        evidence.Add(new Evidence(EvidenceKind.Process, listener.Display, $"{listener.Owner} listens, with {listener.AcceptQueue} connection(s) waiting unaccepted in its queue"));
        return new Finding(Cause.PoolExhausted, Severity.Critical, target.Address.Text,
            $"{listener.Owner} on {target.Address.Text} does not accept connections: its accept queue is full",
            evidence,
            new Remedy($"The backend is saturated or stuck: every worker is busy and new connections wait until nginx gives up{when} (504). Check the backend's workers (threads, pm.max_children) and its slow requests; restart it if it is hung.", [$"ss -ltn 'sport = :{target.Address.Port}'"]))
        { Check = "connect-timeout" };
    }
}
