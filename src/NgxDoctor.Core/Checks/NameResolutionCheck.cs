using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// An upstream hostname that does not resolve now (the probe asked the system resolver, as nginx does at start).
/// A running nginx still uses what it resolved when it started, so requests may work; its next reload or restart
/// fails with "host not found in upstream". When nginx -t already fails for it, dns-failure-startup says so.
/// </summary>
public sealed class NameResolutionCheck : ICheck
{
    public string Id => "name-resolution";

    public string Title => "Upstream hostnames resolve now";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.DnsFailure];

    public IReadOnlyList<Fact> Needs => [Fact.Probes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var startupFails = facts.ConfigTest is { Passed: false } test && ConfigTestOutput.Problems(test.Output).Any(ConfigTestOutput.IsDns);
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets)
        {
            if (startupFails || facts.ProbeFor(target) is not { Outcome: ProbeOutcome.DnsFailure } probe)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
            findings.Add(new Finding(Cause.DnsFailure, facts.Instance is null ? Severity.Critical : Severity.Warning, target.Address.Host,
                facts.Instance is null
                    ? $"Upstream host \"{target.Address.Host}\" does not resolve: nginx cannot start with this configuration"
                    : $"Upstream host \"{target.Address.Host}\" does not resolve now: the running nginx uses its start-up address, and its next reload or restart fails",
                evidence,
                new Remedy($"Make {target.Address.Host} resolvable again (DNS or /etc/hosts), or use an IP address; with `resolver` and a variable in proxy_pass nginx resolves per request instead.", [$"getent hosts {target.Address.Host}"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }
}
