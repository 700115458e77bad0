using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class LogCheckTests
{
    private static ICheck Check(string id) => CheckRegistry.All.Single(c => c.Id == id);

    private static DiagnosisFacts Node() => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite);

    [Fact]
    public void Errors_that_go_on_are_critical_and_errors_that_stopped_are_a_warning_about_the_past()
    {
        var now = Check("upstream-timeout").Run(Node().Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", minutesAgo: 0.5));
        Assert.Equal(Severity.Critical, Assert.Single(now.Findings).Severity);
        var past = Check("upstream-timeout").Run(Node().Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", minutesAgo: 10));
        var f = Assert.Single(past.Findings);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Contains("none since 2026-11-28 02:50:00", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_that_stopped_before_nginx_reloaded_say_when_it_reloaded()
    {
        var facts = Node().Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", minutesAgo: 10);
        var reloaded = facts with { Instance = facts.Instance! with { WorkersStarted = FactsBuilder.Now.AddMinutes(-8) } };
        Assert.EndsWith("; nginx loaded its configuration at 2026-11-28 02:52:00 (its workers started then)", Assert.Single(Check("upstream-timeout").Run(reloaded).Findings).Title, StringComparison.Ordinal);
        var before = facts with { Instance = facts.Instance! with { WorkersStarted = FactsBuilder.Now.AddMinutes(-60) } };
        Assert.DoesNotContain("nginx loaded", Assert.Single(Check("upstream-timeout").Run(before).Findings).Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_finding_quotes_the_timeout_in_force_and_the_log_lines()
    {
        var f = Assert.Single(Check("upstream-timeout").Run(Node().Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", count: 7)).Findings);
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Config && e.Text == "proxy_read_timeout 60s (nginx's default)");
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Log && e.Text.StartsWith("7 \"read-timeout\" entries (502) from", StringComparison.Ordinal));
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Log && e.Source == "/var/log/nginx/error.log:42");
    }

    [Fact]
    public void Without_log_facts_log_checks_say_skipped()
    {
        var outcome = Check("upstream-crash").Run(Node() with { Logs = null, NotCollected = [new NotCollected(Fact.ErrorLog, "permission denied")] });
        Assert.Equal(CheckStatus.Skipped, outcome.Status);
        Assert.Equal("permission denied", outcome.Reason);
    }

    [Fact]
    public void Refusals_in_the_log_for_a_backend_that_accepts_now_are_an_ended_outage()
    {
        var facts = Node().Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Cause.UpstreamDown, "127.0.0.1:3000", count: 12, minutesAgo: 6);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(Status.Warning, report.Status);
        var f = Assert.Single(report.Findings);
        Assert.Equal(Cause.UpstreamDown, f.Cause);
        Assert.Contains("refused 12 connection(s)", f.Title, StringComparison.Ordinal);
        Assert.Contains("accepts connections now", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dead_upstream_quotes_its_refusals_from_the_log()
    {
        var facts = Node().Probe("127.0.0.1:3000", ProbeOutcome.Refused).Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Cause.UpstreamDown, "127.0.0.1:3000", count: 4);
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Log && e.Text.StartsWith("4 \"connect-refused\" entries", StringComparison.Ordinal));
    }

    [Fact]
    public void No_live_upstreams_comes_after_the_cause_that_explains_it()
    {
        var facts = FactsBuilder.FromConfig("upstream grp { server 127.0.0.1:3000; server 127.0.0.1:3001; } server { location / { proxy_pass http://grp; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Refused)
            .Log(NgxDoctor.Core.Logs.FailureKind.NoLiveUpstreams, Cause.NoLiveUpstreams, "grp", count: 40)
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Cause.UpstreamDown, "127.0.0.1:3000");
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal([Cause.UpstreamDown, Cause.UpstreamDown, Cause.NoLiveUpstreams], report.Findings.Select(f => f.Cause));
    }
}
