using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>The backend closes or resets the connection before a complete response header (502).</summary>
public sealed class UpstreamCrashCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.UpstreamCrash.Code();

    public override string Title => "Upstreams answer before closing the connection";

    protected override Cause Cause => Diagnosis.Cause.UpstreamCrash;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.PrematureClose, Logs.FailureKind.FpmTerminated, Logs.FailureKind.FpmKilled, Logs.FailureKind.FpmSignal];

    /// <summary>OOM kills in the window, and a backend timeout shorter than nginx's, stand beside a crash as its likely reasons.</summary>
    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        (facts.OomKills ?? []).TakeLast(3).Select(k => new Evidence(EvidenceKind.Log, "kernel", k.Line)).Concat(Analysis.BackendTimeouts.Shorter(facts, target));

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"{upstream} closed or reset {count} connection(s) before answering (502)";

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        incidents.Any(i => i.Kind == Logs.FailureKind.FpmTerminated)
            ? new("PHP-FPM killed children that ran past request_terminate_timeout: make those scripts faster, or raise request_terminate_timeout together with fastcgi_read_timeout.", [])
            : incidents.Any(i => i.Kind == Logs.FailureKind.FpmKilled)
            ? new("PHP-FPM children were killed by SIGKILL, usually the kernel's OOM killer: check dmesg, lower pm.max_children or memory_limit, or add memory.", ["dmesg -T | grep -i -E 'killed process|out of memory'"])
            : new("The backend's worker died or gave up mid-request: look in its own log at these times (a crash, a worker killed by its timeout such as PHP-FPM request_terminate_timeout or gunicorn WORKER TIMEOUT, or by the OOM killer: dmesg). With upstream keepalive, make the backend's idle timeout longer than nginx's.", ["dmesg -T | grep -i -E 'killed process|out of memory'"]);
}
