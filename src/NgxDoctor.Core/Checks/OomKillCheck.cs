using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>The kernel's OOM killer killed processes in the window: memory ran out, backends die mid-request.</summary>
public sealed class OomKillCheck : ICheck
{
    public string Id => "oom-kill";

    public string Title => "The OOM killer did not kill processes";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.ResourceExhaustion];

    public IReadOnlyList<Fact> Needs => [Fact.KernelLog];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var kills = facts.OomKills!;

        if (kills.Count == 0)
        {
            return CheckOutcome.Ran([]);
        }

        var now = facts.Logs?.Now ?? facts.CollectedAt.LocalDateTime;
        var last = kills.Max(k => k.Time);
        var names = string.Join(", ", kills.GroupBy(k => k.Process).Select(g => $"{g.Key} ×{g.Count()}"));
        var evidence = kills.TakeLast(5).Select(k => new Evidence(EvidenceKind.Log, "kernel", k.Line)).ToList();
        return CheckOutcome.Ran([new Finding(
            Cause.ResourceExhaustion,
            last >= now - LogFacts.Quiet ? Severity.Critical : Severity.Warning,
            null,
            $"The OOM killer killed {kills.Count} process(es) ({names}), the last at {LogEvidence.Time(last)}",
            evidence,
            new Remedy("Memory ran out: lower the backend's worker count or per-worker memory (pm.max_children, memory_limit, gunicorn workers), find the process that grew, or add memory/swap.", ["dmesg -T | grep -i -E 'killed process|out of memory'", "free -m"]))
        { Check = Id }]);
    }
}
