using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>PHP-FPM says its pool reached pm.max_children: requests queue, and nginx's waits turn into 504s or 502s.</summary>
public sealed class PhpFpmSaturationCheck : LogIncidentCheck
{
    public override string Id => "php-fpm-saturation";

    public override string Title => "PHP-FPM pools have free children";

    protected override Cause Cause => Diagnosis.Cause.PoolExhausted;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.FpmMaxChildren, Logs.FailureKind.FpmBusy];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"The PHP-FPM pool on {upstream} ran out of children ({count} warning(s) from PHP-FPM): requests wait for a free one";

    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var address = incidents[0].Upstream;
        var pool = FpmPoolEvidence.Settings(facts, address, "pm", "pm.max_children", "listen.backlog", "request_terminate_timeout", "request_slowlog_timeout");

        // What the saturation explains on nginx's side, for the same address.
        var nginx = LogEvidence.For(facts.Logs!.Incidents.Where(i => i.Upstream == address && i.Kind is Logs.FailureKind.ReadTimeout or Logs.FailureKind.BacklogFull).Select(i => i with { Samples = i.Samples.Take(1).ToList() }));
        return [.. pool, .. FpmPoolEvidence.SlowScripts(facts, address), .. nginx];
    }

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        FpmPoolEvidence.SaturationRemedy(facts, incidents[0].Upstream);
}
