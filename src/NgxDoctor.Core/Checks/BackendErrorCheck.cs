using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>5xx that the backend itself answered ($upstream_status equal to the status, no nginx error line behind it).</summary>
public sealed class BackendErrorCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.BackendError.Code();

    public override string Title => "5xx responses are not produced by the backend itself";

    protected override Cause Cause => Diagnosis.Cause.BackendError;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.Backend5xx];

    protected override Fact LogFact => Fact.AccessLog;

    protected override IEnumerable<LogIncident>? Source(LogFacts logs) => logs.Access is { Attributed: true } access ? access.BackendErrors : null;

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count)
    {
        var statuses = string.Join("/", incidents.Select(i => i.Status).Distinct().Order());
        return $"{upstream} itself answered {count} request(s) with {statuses}; nginx only passed them on";
    }

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        new("The error is in the application, not between nginx and it: read the backend's own log at these times. (If that backend is itself a proxy, diagnose the next hop.)", []);
}
