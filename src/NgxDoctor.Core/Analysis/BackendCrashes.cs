using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// Processes that died of a fault while nginx saw an upstream close connections: the kernel's crash lines whose
/// process has the name of one serving that upstream now (a pre-fork server's worker is replaced under its master's
/// name), within two minutes of the failures. A crash of another program, or at another time, is no evidence.
/// </summary>
public static class BackendCrashes
{
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

    /// <summary>Around the log's failures.</summary>
    public static IReadOnlyList<KernelCrash> For(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        incidents.Count == 0 ? [] : For(facts, target, incidents.Min(i => i.FirstSeen), incidents.Max(i => i.LastSeen));

    /// <summary>Around the moment the facts were gathered (a probe's connection cut now).</summary>
    public static IReadOnlyList<KernelCrash> Now(DiagnosisFacts facts, UpstreamTarget? target) =>
        For(facts, target, facts.CollectedAt.LocalDateTime, facts.CollectedAt.LocalDateTime);

    private static IReadOnlyList<KernelCrash> For(DiagnosisFacts facts, UpstreamTarget? target, DateTime first, DateTime last)
    {
        if (target is null || facts.KernelCrashes is not { Count: > 0 } crashes || TargetListeners.Serving(facts, target) is not { } listener)
        {
            return [];
        }

        var names = listener.Processes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return crashes.Where(c => names.Contains(c.Process) && c.Time >= first - Slack && c.Time <= last + Slack).TakeLast(3).ToList();
    }

    /// <summary>The OOM killer's kills within two minutes of the failures (of any process: memory is the host's), the last three.</summary>
    public static IReadOnlyList<OomKill> OomKills(DiagnosisFacts facts, IReadOnlyList<LogIncident> incidents) =>
        incidents.Count == 0 ? [] : (facts.OomKills ?? [])
            .Where(k => k.Time >= incidents.Min(i => i.FirstSeen) - Slack && k.Time <= incidents.Max(i => i.LastSeen) + Slack).TakeLast(3).ToList();

    public static Evidence Evidence(KernelCrash crash) =>
        new(EvidenceKind.Log, "kernel", $"{crash.Process} (pid {crash.Pid}) died of {crash.Signal} at {crash.Time:HH:mm:ss}: {crash.Line.Trim()}");

    public static Remedy Remedy(IReadOnlyList<KernelCrash> crashes)
    {
        var c = crashes[^1];
        return new Remedy($"{c.Process} crashed ({c.Signal}, the kernel's log) while nginx's connections to it were cut: a bug in the backend or in a native extension or library it loads. Get its core dump (coredumpctl list {c.Process}, or ulimit -c unlimited for the service) and its own log at that time; upgrade or disable the extension named in the backtrace.",
            [$"coredumpctl list {c.Process}", "dmesg -T | grep -E 'segfault|traps:'"]);
    }
}
