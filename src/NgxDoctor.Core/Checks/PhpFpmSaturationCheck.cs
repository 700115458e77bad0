using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>PHP-FPM says its pool reached pm.max_children: requests queue, and nginx's waits turn into 504s or 502s.</summary>
public sealed class PhpFpmSaturationCheck : LogIncidentCheck
{
    public override string Id => "php-fpm-saturation";

    public override string Title => "PHP-FPM pools have free children";

    protected override string Cause => Diagnosis.Cause.PoolExhausted;

    protected override IReadOnlyList<string> Kinds => ["fpm-max-children", "fpm-busy"];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"The PHP-FPM pool on {upstream} ran out of children ({count} warning(s) from PHP-FPM): requests wait for a free one";

    protected override IEnumerable<Evidence> ExtraEvidence(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents)
    {
        var address = incidents[0].Upstream;
        foreach (var fpm in facts.PhpFpm)
        {
            if (address is not null && fpm.PoolAt(address) is { } pool)
            {
                foreach (var key in new[] { "pm", "pm.max_children", "listen.backlog", "request_terminate_timeout" })
                {
                    if (pool.Settings.TryGetValue(key, out var s))
                    {
                        yield return new Evidence("config", s.Pos.ToString(), $"{key} = {s.Value} (pool {pool.Name}, php-fpm pid {fpm.Pid})");
                    }
                }
            }
        }

        // What the saturation explains on nginx's side, for the same address.
        foreach (var e in Analysis.LogEvidence.For(facts.Logs!.Incidents.Where(i => i.Upstream == address && i.Kind is "read-timeout" or "backlog-full").Select(i => i with { Samples = i.Samples.Take(1).ToList() })))
        {
            yield return e;
        }
    }

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        new("Raise pm.max_children in the pool as far as memory allows (free memory / the children's average RSS), then reload php-fpm; find the slow scripts that hold children (request_slowlog_timeout + slowlog).", ["ps -o rss= -C php-fpm8.2 | awk '{s+=$1} END {print s/NR \" KiB per child\"}'"]);
}
