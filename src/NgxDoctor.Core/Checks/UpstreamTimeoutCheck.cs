using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>"upstream timed out" in the error log: the backend answers slower than nginx waits (504).</summary>
public sealed class UpstreamTimeoutCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.UpstreamTimeout.Code();

    public override string Title => "Upstreams answer within nginx's timeouts";

    protected override Cause Cause => Diagnosis.Cause.UpstreamTimeout;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.ReadTimeout, Logs.FailureKind.ConnectTimeout];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        incidents.All(i => i.Kind == Logs.FailureKind.ConnectTimeout)
            ? $"{count} connect(s) to {upstream} timed out (504)"
            : $"{upstream} answered too slowly: {count} request(s) timed out waiting for it (504)";

    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var settings = Settings(target, incidents.Any(i => i.Kind == Logs.FailureKind.ReadTimeout) ? "_read_timeout" : "_connect_timeout").ToList();
        var upstream = incidents[0].Upstream;
        if (facts.Logs?.Access?.Upstreams.FirstOrDefault(u => u.Upstream == upstream) is { P50: not null } traffic)
        {
            var files = string.Join(", ", facts.Logs.Access.Files.Select(f => f.Path));
            settings.Add(new Evidence(EvidenceKind.Log, files, $"$upstream_response_time of {traffic.Requests} request(s) to {upstream}: p50 {traffic.P50:0.###} s, p90 {traffic.P90:0.###} s, p99 {traffic.P99:0.###} s, max {traffic.Max:0.###} s"));
        }

        if (target is not null && Analysis.BackendTimeouts.For(facts, target) is { } backend)
        {
            settings.Add(new Evidence(EvidenceKind.Process, backend.Source, $"the backend's own limit: {backend.Setting} {backend.Value.TotalSeconds:0.#}s (raise it with nginx's read timeout, or it ends those requests first)"));
        }

        return settings;
    }

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var module = target?.Sites[0].Directive.Split('_')[0] ?? "proxy";
        return incidents.All(i => i.Kind == Logs.FailureKind.ConnectTimeout)
            ? new Remedy($"Connects get no answer: the backend's accept queue is full, or a firewall drops the packets, or the host is down. Check the backend is alive and not saturated; {module}_connect_timeout bounds the wait.", ["ss -ltn"])
            : new Remedy($"Find why the backend is slow (its own log, slow-request log, database); if the slow requests are legitimate, raise {module}_read_timeout in the location that serves them, and the backend's own timeout (PHP-FPM request_terminate_timeout, gunicorn --timeout) with it.", []);
    }
}
