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
    public static IReadOnlyList<(UpstreamTarget Target, Listener Listener)> Targets(DiagnosisFacts facts)
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
            .Append(new Evidence(EvidenceKind.Process, $"listener {x.Target.Address.Text}", $"held by this nginx itself (master pid {facts.Instance!.MasterPid}): each request passed there comes back into nginx")));
}
