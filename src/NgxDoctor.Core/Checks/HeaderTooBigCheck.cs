using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>"upstream sent too big header": the response header does not fit the buffer (502).</summary>
public sealed class HeaderTooBigCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.HeaderTooBig.Code();

    public override string Title => "Response headers fit nginx's buffer";

    protected override Cause Cause => Diagnosis.Cause.HeaderTooBig;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.HeaderTooBig];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"{upstream} sent response headers too big for nginx's buffer {count} time(s) (502)";

    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        Settings(target, "_buffer_size");

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var module = target?.Sites[0].Directive.Split('_')[0] ?? "proxy";
        return new Remedy($"Raise {module}_buffer_size (e.g. 16k or 32k) in the location that serves it, with {module}_buffers and {module}_busy_buffers_size large enough to match, then nginx -t and reload; or make the backend send smaller headers (cookies).", ["nginx -t", "nginx -s reload"]);
    }
}
