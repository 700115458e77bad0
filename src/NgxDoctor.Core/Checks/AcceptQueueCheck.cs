using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// An upstream's listen queue at least half full now, while it still accepts: connections wait for a free worker
/// (a pool near saturation). The kernel caps every backlog at net.core.somaxconn, which the evidence names when it
/// is the cap in force. A full queue that drops connects is connect-timeout's.
/// </summary>
public sealed class AcceptQueueCheck : ICheck
{
    public string Id => "accept-queue";

    public string Title => "Upstream listen queues have room";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.PoolExhausted];

    public IReadOnlyList<Fact> Needs => [Fact.Listeners, Fact.Probes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Address.Kind != UpstreamAddressKind.Unix))
        {
            if (facts.ProbeFor(target) is not { Outcome: ProbeOutcome.Connected } probe
                || TargetListeners.Find(facts, target) is not { Backlog: > 0 } listener || listener.AcceptQueue * 2 < listener.Backlog)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.Process, listener.Display, $"{listener.Owner}: {listener.AcceptQueue} connection(s) wait in a listen queue of {listener.Backlog}"));
            if (facts.System?.Somaxconn is { } max && listener.Backlog == max)
            {
                evidence.Add(new Evidence(EvidenceKind.System, "/proc/sys/net/core/somaxconn", $"{max}: the kernel's cap, in force for this listener"));
            }

            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
            findings.Add(new Finding(Cause.PoolExhausted, Severity.Warning, target.Address.Text,
                $"{listener.Owner} on {target.Address.Text} has {listener.AcceptQueue} of {listener.Backlog} queued connections waiting to be accepted",
                evidence,
                new Remedy("The backend's workers are all busy: add workers (pm.max_children, gunicorn -w) if memory allows, or find the slow requests holding them; a longer backlog (and somaxconn) only delays the failures.", [$"ss -ltn 'sport = :{target.Address.Port}'"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }
}
