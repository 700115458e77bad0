using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// The process that serves an upstream now is younger than nginx's failures: it was started again since (a crash
/// and a supervisor's restart, a deploy, an OOM kill). Its start time against the first failure is the evidence; a
/// process started before the failures says nothing.
/// </summary>
public static class BackendRestarts
{
    public static Evidence? Evidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<Facts.LogIncident> incidents)
    {
        if (target is null || incidents.Count == 0 || TargetListeners.Serving(facts, target) is not { } listener)
        {
            return null;
        }

        var pids = listener.Processes.Select(p => p.Pid).ToHashSet();
        var first = incidents.Min(i => i.FirstSeen);
        // Log times have whole seconds: a start in the second of the first failure is no proof it came after.
        return listener.Processes.FirstOrDefault(p => !pids.Contains(p.ParentPid)) is { Started: { } started } main && started >= first.AddSeconds(1)
            ? new Evidence(EvidenceKind.Process, $"pid {main.Pid}",
                $"{main.Name} (pid {main.Pid}), which listens on {listener.Display} now, started at {started:HH:mm:ss}, after nginx's first failure at {first:HH:mm:ss}: it was (re)started since")
            : null;
    }
}
