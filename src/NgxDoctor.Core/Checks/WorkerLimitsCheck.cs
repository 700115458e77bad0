using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// nginx's workers against their open-files limit: a worker may be asked for worker_connections connections (two
/// per proxied request) but can open no more files than its limit; near the limit, "Too many open files" (500/502).
/// </summary>
public sealed class WorkerLimitsCheck : ICheck
{
    public string Id => "worker-limits";

    public string Title => "nginx's workers may open the connections they are configured for";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.ResourceExhaustion];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Instance is not { WorkerOpenFilesLimit: { } limit } instance)
        {
            return CheckOutcome.Skip(facts.Instance is null ? "nginx is not running: no worker limits to read" : "the workers' open-files limit could not be read");
        }

        var wc = facts.Inventory.WorkerConnections;
        var connections = long.TryParse(wc.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 512;
        var evidence = new List<Evidence>
        {
            new(EvidenceKind.Config, wc.Pos?.ToString() ?? "default", $"worker_connections {wc.Value}{(wc.IsDefault ? " (nginx's default)" : "")}"),
            new(EvidenceKind.Process, $"/proc/{instance.WorkerPids[0]}/limits", $"Max open files {limit}" + (instance.WorkerOpenFiles is { } open ? $"; {open} open now" : "")),
        };
        if (instance.WorkerOpenFiles is { } used && used >= limit * 9 / 10)
        {
            return CheckOutcome.Ran([Make(Severity.Critical, $"nginx's worker holds {used} of its {limit} file descriptors", evidence)]);
        }

        return connections > limit
            ? CheckOutcome.Ran([Make(Severity.Warning, $"worker_connections {connections} exceeds the workers' open-files limit {limit}", evidence)])
            : CheckOutcome.Ran([]);
    }

    private Finding Make(Severity severity, string title, List<Evidence> evidence) =>
        new(Cause.ResourceExhaustion, severity, null, title, evidence,
            new Remedy("Raise worker_rlimit_nofile (at least twice worker_connections: a proxied request holds two) and the service's LimitNOFILE, or lower worker_connections; then reload.", ["nginx -t", "nginx -s reload"]))
        { Check = Id };
}
