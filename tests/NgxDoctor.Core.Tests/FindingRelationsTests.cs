using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class FindingRelationsTests
{
    private const string Group = "upstream app { server 127.0.0.1:3001; server 127.0.0.1:3002; } server { listen 80; location / { proxy_pass http://app; } }";

    [Fact]
    public void Dead_servers_explain_their_groups_no_live_upstreams_which_follows_the_last_of_them()
    {
        var facts = FactsBuilder.FromConfig(Group)
            .Probe("127.0.0.1:3001", ProbeOutcome.Refused, "connection refused").Probe("127.0.0.1:3002", ProbeOutcome.Refused, "connection refused")
            .Log(NgxDoctor.Core.Logs.FailureKind.NoLiveUpstreams, Cause.NoLiveUpstreams, "app");
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(["upstream-down", "upstream-down", "no-live-upstreams"], report.Findings.Select(f => f.Cause.Code()));
        var last = report.Findings[^1];
        Assert.Equal(["upstream-down 127.0.0.1:3001", "upstream-down 127.0.0.1:3002"], last.ExplainedBy);
        Assert.Equal(["no-live-upstreams app"], report.Findings[0].Explains);
        Assert.Equal(Confidence.High, report.Findings[0].Confidence);
    }

    /// <summary>A backend speaking HTTP/2 to proxy_pass: nginx reads its frames as an HTTP/0.9 body that never ends, then times out (CI saw the timeout ranked first).</summary>
    [Fact]
    public void A_backend_of_another_protocol_explains_the_body_timeouts_at_it_and_comes_first()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .Probe("127.0.0.1:3000", ProbeOutcome.Connected)
            .Log(NgxDoctor.Core.Logs.FailureKind.BodyFailure, Cause.UpstreamTimeout, "127.0.0.1:3000", status: null, phase: "body")
            .Log(NgxDoctor.Core.Logs.FailureKind.Http09, Cause.BadResponse, "127.0.0.1:3000", status: 9, minutesAgo: 0);
        var report = DiagnosisEngine.Diagnose(facts);
        var causes = report.Findings.Select(f => f.Cause).ToList();
        Assert.True(causes.IndexOf(Cause.BadResponse) < causes.IndexOf(Cause.UpstreamTimeout), string.Join(",", causes));
        Assert.Equal(["upstream-timeout 127.0.0.1:3000"], report.Findings.Single(f => f.Cause == Cause.BadResponse).Explains);
    }

    [Fact]
    public void A_saturated_pool_comes_before_the_timeouts_it_explains_and_a_past_problem_is_medium_confidence()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .Probe("127.0.0.1:3000", ProbeOutcome.Connected)
            .Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", status: 504)
            .Log(NgxDoctor.Core.Logs.FailureKind.BacklogFull, Cause.PoolExhausted, "127.0.0.1:3000", minutesAgo: 10);
        var report = DiagnosisEngine.Diagnose(facts);
        var causes = report.Findings.Select(f => f.Cause).ToList();
        Assert.True(causes.IndexOf(Cause.PoolExhausted) < causes.IndexOf(Cause.UpstreamTimeout), string.Join(",", causes));
        var pool = report.Findings.Single(f => f.Cause == Cause.PoolExhausted);
        Assert.Equal(Confidence.Medium, pool.Confidence);
        Assert.Equal(["upstream-timeout 127.0.0.1:3000"], pool.Explains);
    }

    [Fact]
    public void Unrelated_findings_explain_nothing()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused")
            .Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "10.0.0.1:80", status: 504);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.All(report.Findings, f => Assert.Empty(f.Explains));
    }
}
