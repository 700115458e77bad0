using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>"Reproduced now" only when a probe did (issue 26): a probe that connected stands beside the log, it reproduces nothing.</summary>
public sealed class ConfidenceTests
{
    private static Finding Timeout(ProbeOutcome probe) =>
        DiagnosisEngine.Diagnose(FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .Probe("127.0.0.1:3000", probe).Listen("127.0.0.1:3000", "node")
            .Log(FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", status: 504))
        .Findings.First(f => f.Cause == Cause.UpstreamTimeout);

    [Fact]
    public void A_probe_that_connected_is_no_reproduction_the_log_now_is_the_basis()
    {
        var finding = Timeout(ProbeOutcome.Connected);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal(Basis.LogNow, finding.Basis);
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Probe);
    }

    [Fact]
    public void A_probe_that_failed_the_same_way_is()
    {
        Assert.Equal(Basis.Probe, Timeout(ProbeOutcome.TimedOut).Basis);
    }
}
