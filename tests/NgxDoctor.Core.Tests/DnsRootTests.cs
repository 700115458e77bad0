using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>One DNS server that does not answer is one root: every name nginx asks it for fails.</summary>
public class DnsRootTests
{
    private const string Site = """
        server { listen 80; resolver 127.0.0.1:5353; resolver_timeout 2s;
            location / { set $a api.test; proxy_pass http://$a:8080; }
            location /auth/ { set $b auth.test; proxy_pass http://$b:9090; }
        }
        """;

    [Fact]
    public void A_resolver_that_does_not_answer_is_one_finding_naming_every_name_it_fails()
    {
        var facts = FactsBuilder.FromConfig(Site)
            .Resolve("api.test", DnsLookup.NoAnswer, [], "127.0.0.1:5353").Resolve("auth.test", DnsLookup.NoAnswer, [], "127.0.0.1:5353")
            .Log(FailureKind.Dns, Cause.DnsFailure, "api.test", count: 5).Log(FailureKind.Dns, Cause.DnsFailure, "auth.test", count: 3);
        var report = DiagnosisEngine.Diagnose(facts);
        var dns = Assert.Single(report.Findings);
        Assert.Equal(Cause.DnsFailure, dns.Cause);
        Assert.Equal(["api.test", "auth.test"], dns.Affects);
        Assert.Contains("127.0.0.1:5353", dns.Title, StringComparison.Ordinal);
        Assert.Equal(8, dns.Observed!.Failures);
    }
}

/// <summary>One backend process behind several upstreams that fail the same way is one root.</summary>
public class ProcessRootTests
{
    /// <summary>Two upstreams timing out: 127.0.0.1:8000 served by gunicorn (pid 812), 127.0.0.1:8001 by the given process.</summary>
    private static DiagnosisFacts TwoSlow(string second, int pid) =>
        FactsBuilder.FromConfig("server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } location /b/ { proxy_pass http://127.0.0.1:8001; } }")
            .Probe("127.0.0.1:8000", ProbeOutcome.Connected).Probe("127.0.0.1:8001", ProbeOutcome.Connected)
            .Listen("127.0.0.1:8000", "gunicorn", pid: 812).Listen("127.0.0.1:8001", second, pid: pid)
            .Log(FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:8000", count: 4, status: 504)
            .Log(FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:8001", count: 2, status: 504);

    [Fact]
    public void Two_ports_of_one_slow_gunicorn_are_one_finding_naming_the_process()
    {
        var f = Assert.Single(DiagnosisEngine.Diagnose(TwoSlow("gunicorn", 812)).Findings);
        Assert.Equal(["127.0.0.1:8000", "127.0.0.1:8001"], f.Affects);
        Assert.EndsWith("all served by gunicorn (pid 812)", f.Title, StringComparison.Ordinal);
        Assert.Equal(6, f.Observed!.Failures);
    }

    [Fact]
    public void Two_processes_stay_two_findings() => Assert.Equal(2, DiagnosisEngine.Diagnose(TwoSlow("node", 900)).Findings.Count);
}
