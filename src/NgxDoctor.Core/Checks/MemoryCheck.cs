using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// Memory nearly gone (MemAvailable under 5% of MemTotal): the next backend worker to grow is the OOM killer's
/// candidate, and its death is a 502 (premature close). OOM kills that already happened are the oom-kill check's.
/// </summary>
public sealed class MemoryCheck : ICheck
{
    public string Id => "memory";

    public string Title => "The host has memory available for its backends";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.ResourceExhaustion];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.System is not { MemTotalKb: > 0 and var total, MemAvailableKb: { } available } system)
        {
            return CheckOutcome.Skip("/proc/meminfo could not be read");
        }

        if (available * 20 >= total)
        {
            return CheckOutcome.Ran([]);
        }

        var swap = system.SwapTotalKb is > 0 and var st && system.SwapFreeKb is { } sf ? $"; swap {(st - sf) / 1024} of {st / 1024} MiB used" : "; no swap";
        return CheckOutcome.Ran([new Finding(Cause.ResourceExhaustion, Severity.Warning, null,
            $"Only {available / 1024} MiB of {total / 1024} MiB memory is available",
            [new Evidence(EvidenceKind.System, "/proc/meminfo", $"MemAvailable {available} kB of MemTotal {total} kB{swap}")],
            new Remedy("Backends are near the OOM killer: lower their worker counts (pm.max_children, gunicorn -w) or memory limits, or add memory.", ["free -m", "ps aux --sort=-rss | head"]))
        {
            Check = Id,
        }]);
    }
}
