using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// What a FastCGI request says now: no answer although the connect succeeded (no free child: saturated now), the
/// status page's listen queue and idle count (saturated now) or its "max children reached" (saturated in the past),
/// or a reply that is not FastCGI.
/// </summary>
public sealed class FastCgiProbeCheck : ICheck
{
    public string Id => "fastcgi-probe";

    public string Title => "FastCGI upstreams answer, with free children";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.BadResponse, Cause.PoolExhausted];

    public IReadOnlyList<Fact> Needs => [Fact.FastCgiProbes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var probes = facts.FastCgiProbes!;

        var findings = new List<Finding>();
        foreach (var probe in probes)
        {
            var target = FactsLookups.Of(facts).Targets.GetValueOrDefault(probe.Target);
            var evidence = target is null ? [] : DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.Probe, $"fastcgi {probe.Target} \"{probe.Request}\"", $"{probe.Detail} after {probe.ElapsedMs:0.0} ms"));
            if (probe.PoolStatus is { } st)
            {
                evidence.Add(new Evidence(EvidenceKind.Probe, $"php-fpm status of pool {st.Pool}", $"listen queue {st.ListenQueue}, idle {st.IdleProcesses}, active {st.ActiveProcesses} of {st.TotalProcesses}, max children reached {st.MaxChildrenReached}, slow requests {st.SlowRequests}"));
            }

            evidence.AddRange(FpmPoolEvidence.Settings(facts, probe.Target, "pm", "pm.max_children"));
            var saturated = FpmPoolEvidence.SaturationRemedy(facts, probe.Target);
            if (probe.Outcome == FastCgiProbeResult.NoResponse || probe.PoolStatus is { MaxChildrenReached: > 0 })
            {
                evidence.AddRange(FpmPoolEvidence.SlowScripts(facts, probe.Target));
            }

            var finding = probe switch
            {
                { Outcome: FastCgiProbeResult.NotFastCgi } => Make(Cause.BadResponse, Severity.Critical, probe, $"{probe.Target} does not answer FastCGI", evidence,
                    new Remedy("Point fastcgi_pass at PHP-FPM (or the FastCGI app); an HTTP server needs proxy_pass.", [])),
                // Only a known PHP-FPM pool that does not answer is known to be out of children; another server may just wait.
                { Outcome: FastCgiProbeResult.NoResponse } when facts.PhpFpm.Any(f => f.PoolAt(probe.Target) is not null) => Make(Cause.PoolExhausted, Severity.Critical, probe, $"{probe.Target} accepts connections but no child answers: the pool is saturated now", evidence, saturated),
                { PoolStatus: { IdleProcesses: 0, ListenQueue: > 0 } } => Make(Cause.PoolExhausted, Severity.Critical, probe, $"The pool on {probe.Target} has no idle child and requests waiting: saturated now", evidence, saturated),
                { PoolStatus.MaxChildrenReached: > 0 } => Make(Cause.PoolExhausted, Severity.Warning, probe, $"The pool on {probe.Target} reached pm.max_children {probe.PoolStatus.MaxChildrenReached} time(s) since it started; it has idle children now", evidence, saturated),
                _ => null,
            };
            if (finding is not null)
            {
                findings.Add(finding);
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private Finding Make(Cause cause, Severity severity, FastCgiProbeResult probe, string title, List<Evidence> evidence, Remedy remedy) =>
        new(cause, severity, probe.Target, title, evidence, remedy) { Check = Id };
}
