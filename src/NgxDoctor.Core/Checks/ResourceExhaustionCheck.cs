using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>nginx runs out of file descriptors, worker_connections or ephemeral ports (500/502).</summary>
public sealed class ResourceExhaustionCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.ResourceExhaustion.Code();

    public override string Title => "nginx has the descriptors, connections and ports it needs";

    protected override Cause Cause => Diagnosis.Cause.ResourceExhaustion;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.FdExhausted, Logs.FailureKind.PortsExhausted];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        incidents.Any(i => i.Kind == Logs.FailureKind.PortsExhausted)
            ? $"Local ports ran out connecting to {upstream} ({count} time(s))"
            : $"nginx ran out of file descriptors or worker_connections ({count} time(s))";

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        incidents.Any(i => i.Kind == Logs.FailureKind.PortsExhausted)
            ? new("Reuse connections: add `keepalive N;` to the upstream group with proxy_http_version 1.1 and proxy_set_header Connection \"\"; widen net.ipv4.ip_local_port_range.", ["sysctl net.ipv4.ip_local_port_range", "ss -tan state time-wait | wc -l"])
            : new("Raise worker_rlimit_nofile and worker_connections (each proxied request holds two connections), and the service's LimitNOFILE.", ["grep 'open files' /proc/$(pgrep -o nginx)/limits"]);
}
