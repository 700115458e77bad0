using NgxDoctor.Core.Vocabulary;
using System.Text.Json;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class EngineTests
{
    [Fact]
    public void A_healthy_setup_yields_ok_and_no_findings()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite + UpstreamDownFixtures.PhpSite)
            .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.Connected).Listen("unix:/run/php/php8.2-fpm.sock", "php-fpm8.2")
            .Socket("/run/php/php8.2-fpm.sock", 33, 33, 0x1b0, "www-data", "www-data");
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(Status.Ok, report.Status);
        Assert.Empty(report.Findings);
        Assert.Equal(0, report.ExitCode);
        Assert.All(report.Checks, c => Assert.Equal(CheckStatus.Ran, c.Outcome));
    }

    [Fact]
    public void A_group_of_dead_servers_gives_one_critical_finding_per_server()
    {
        var facts = FactsBuilder.FromConfig("upstream two { server 127.0.0.1:3000; server 127.0.0.1:3001; } server { location / { proxy_pass http://two; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Refused);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(Status.Critical, report.Status);
        Assert.Equal(["127.0.0.1:3000", "127.0.0.1:3001"], report.Findings.Select(f => f.Upstream));
        Assert.All(report.Findings, f => Assert.Equal(Severity.Critical, f.Severity));
    }

    [Fact]
    public void One_dead_server_of_a_group_with_a_live_one_is_a_warning()
    {
        var facts = FactsBuilder.FromConfig("upstream two { server 127.0.0.1:3000; server 127.0.0.1:3001; } server { location / { proxy_pass http://two; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Connected).Listen("127.0.0.1:3001", "node");
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(Status.Warning, report.Status);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal(Severity.Warning, Assert.Single(report.Findings).Severity);
    }

    [Fact]
    public void Findings_are_ranked_worst_first_then_by_cause()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused)
            .ConfigTestFails("nginx: [emerg] unknown directive \"x\" in /etc/nginx/nginx.conf:2");
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal([Cause.ConfigError, Cause.UpstreamDown], report.Findings.Select(f => f.Cause));
    }

    [Fact]
    public void A_crashing_check_is_reported_not_silent()
    {
        var report = DiagnosisEngine.Diagnose(FactsBuilder.FromConfig(""), [new ThrowingCheck()]);
        var skipped = Assert.Single(report.Skipped);
        Assert.Equal("throws", skipped.Check);
        Assert.StartsWith("check crashed: InvalidOperationException", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(Status.Unknown, report.Status);
        Assert.Equal(3, report.ExitCode);
    }

    [Fact]
    public void Skipped_checks_and_uncollected_facts_are_listed()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite) with
        {
            Probes = null,
            NotCollected = [new NotCollected(Fact.Probes, "budget exhausted")],
        };
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Contains(report.Skipped, s => s.Check == "probes" && s.Reason == "budget exhausted");
        Assert.Contains(report.Skipped, s => s.Check == Cause.UpstreamDown.Code() && s.Reason == "budget exhausted");
    }

    [Fact]
    public void The_json_follows_the_contract()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused (111)");
        using var doc = JsonDocument.Parse(NgxJson.Serialize(DiagnosisEngine.Diagnose(facts)));
        var root = doc.RootElement;
        Assert.Equal("critical", root.GetProperty("status").GetString());
        var f = root.GetProperty("findings")[0];
        Assert.Equal("upstream-down", f.GetProperty("cause").GetString());
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Equal("127.0.0.1:3000", f.GetProperty("upstream").GetString());
        Assert.False(string.IsNullOrEmpty(f.GetProperty("title").GetString()));
        var ev = f.GetProperty("evidence");
        Assert.Equal("config", ev[0].GetProperty("kind").GetString());
        Assert.Equal("/etc/nginx/nginx.conf:4", ev[0].GetProperty("source").GetString());
        Assert.Equal("proxy_pass http://127.0.0.1:3000; (location /)", ev[0].GetProperty("text").GetString());
        Assert.Equal("probe", ev[1].GetProperty("kind").GetString());
        Assert.Equal("tcp 127.0.0.1:3000", ev[1].GetProperty("source").GetString());
        Assert.Equal("connection refused (111) after 0.2 ms", ev[1].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.String, f.GetProperty("remedy").GetProperty("summary").ValueKind);
        Assert.Equal(JsonValueKind.Array, f.GetProperty("remedy").GetProperty("commands").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("skipped").ValueKind);
    }

    [Fact]
    public void Facts_survive_a_json_round_trip_and_diagnose_the_same()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite + "upstream g { server 127.0.0.1:3000 max_fails=2; } server { location /x { proxy_pass http://g; } }")
            .Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.Connected).Listen("unix:/run/php/php8.2-fpm.sock", "php-fpm8.2")
            .Socket("/run/php/php8.2-fpm.sock", 0, 0, 0x180, "root", "root")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("[::1]:3000", "node");
        var json = NgxJson.Serialize(facts);
        var back = NgxJson.Deserialize<DiagnosisFacts>(json)!;
        Assert.Equal(json, NgxJson.Serialize(back));
        var a = NgxJson.Serialize(DiagnosisEngine.Diagnose(facts) with { Checks = [] });
        var b = NgxJson.Serialize(DiagnosisEngine.Diagnose(back) with { Checks = [] });
        Assert.Equal(a, b);
        Assert.Contains("socket-permission", a, StringComparison.Ordinal);
        Assert.Contains("wrong-address", a, StringComparison.Ordinal);
    }

    private sealed class ThrowingCheck : ICheck
    {
        public string Id => "throws";

        public string Title => "throws";

        public IReadOnlyList<Cause> Causes => [Cause.ConfigError];

        public IReadOnlyList<Fact> Needs => [];

        public CheckOutcome Run(DiagnosisFacts facts) => throw new InvalidOperationException("boom");
    }
}

public class IncludeCycleTests
{
    [Fact]
    public void An_include_cycle_is_a_critical_config_error_without_running_nginx_t()
    {
        var facts = Checks.ConfigErrorFixtures.IncludeCycle();
        var f = Assert.Single(new NgxDoctor.Core.Checks.ConfigErrorCheck().Run(facts).Findings);
        Assert.Equal(Diagnosis.Severity.Critical, f.Severity);
        Assert.StartsWith("nginx cannot load this configuration: include cycle: ", f.Title, StringComparison.Ordinal);
        Assert.Contains(f.Evidence, e => e.Kind == EvidenceKind.Command && e.Text == "nginx -t not run: nginx follows the include cycle at x");
        Assert.StartsWith("Remove the include at ", f.Remedy.Summary, StringComparison.Ordinal);
    }
}
