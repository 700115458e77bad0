using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// Upstreams whose listener is this nginx itself (its master or a worker holds the socket): a request passed there
/// comes back into nginx. With worker_connections running out it is a proxy loop, which more connections only deepen.
/// </summary>
public static class SelfProxy
{
    /// <summary>The upstreams nginx passes to its own listener that loop: a request passed there comes back to where it was passed from (<see cref="DiagnosisFacts.SelfRoutes"/>; any, for facts that did not route them).</summary>
    public static IReadOnlyList<(UpstreamTarget Target, Listener Listener)> Targets(DiagnosisFacts facts) =>
        Listening(facts).Where(x => !facts.SelfRoutes.Any(r => r.Target == x.Target.Address.Text) || facts.SelfRoutes.Any(r => r.Target == x.Target.Address.Text && r.Loop)).ToList();

    /// <summary>The upstreams whose listener is this nginx itself (its master or a worker holds the socket).</summary>
    public static IReadOnlyList<(UpstreamTarget Target, Listener Listener)> Listening(DiagnosisFacts facts)
    {
        if (facts.Instance is not { } nginx)
        {
            return [];
        }

        var own = nginx.WorkerPids.Append(nginx.MasterPid).ToHashSet();
        return facts.Inventory.Targets.Select(t => (Target: t, Listener: TargetListeners.Serving(facts, t)))
            .Where(x => x.Listener is not null && x.Listener.Processes.Any(p => own.Contains(p.Pid)))
            .Select(x => (x.Target, x.Listener!)).ToList();
    }

    public static IEnumerable<Evidence> Evidence(DiagnosisFacts facts, IReadOnlyList<(UpstreamTarget Target, Listener Listener)> loops) =>
        loops.SelectMany(x => x.Target.Sites.Select(s => new Evidence(EvidenceKind.Config, s.Pos.ToString(), $"{s.Text} ({(s.Location is null ? "server" : "location " + s.Location)})"))
            .Append(new Evidence(EvidenceKind.Process, $"listener {x.Target.Address.Text}", $"held by this nginx itself (master pid {facts.Instance!.MasterPid}): each request passed there comes back into nginx"))
            .Concat(facts.SelfRoutes.Where(r => r.Target == x.Target.Address.Text && r.Loop && r.LandsAt is not null)
                .Select(r => new Evidence(EvidenceKind.Config, r.LandsAt!, $"routed as nginx routes it, a request passed at {r.From} lands in this location again: a loop"))));
}
