using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>connect() to a unix socket fails with EAGAIN: the backend's accept backlog is full, its pool saturated (502).</summary>
public sealed class BacklogFullCheck : LogIncidentCheck
{
    public override string Id => "backlog-full";

    public override string Title => "Upstream sockets have room in their accept backlog";

    protected override Cause Cause => Diagnosis.Cause.PoolExhausted;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.BacklogFull];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"{upstream} refused {count} connection(s) with a full accept backlog: every worker is busy (502)";

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        new("The pool is saturated: raise PHP-FPM pm.max_children (as memory allows) or the backend's worker count, find the slow requests that hold workers, and raise listen.backlog.", []);
}
