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
