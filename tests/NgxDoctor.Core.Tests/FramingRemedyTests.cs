using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>nginx 1.23+'s refusal of a doubly framed response, from its log (the message as ngx_http_proxy_module writes it; nginx 1.22 here passes such a response on).</summary>
public sealed class FramingRemedyTests
{
    [Theory]
    [InlineData("upstream sent \"Content-Length\" and \"Transfer-Encoding\" headers at the same time while reading response header from upstream", true)]
    [InlineData("upstream sent duplicate header line: \"Transfer-Encoding: chunked\", previous value: \"Transfer-Encoding: chunked\" while reading response header from upstream", true)]
    [InlineData("upstream sent invalid header \"X-Bad: a\\rb\" while reading response header from upstream", false)]
    public void A_doubly_framed_response_in_the_log_gets_the_framing_remedy(string message, bool framing)
    {
        var line = $"2026/11/28 02:59:30 [error] 101#101: *7 {message}, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:3000/\", host: \"a.test\"";
        var incident = new Facts.LogIncident(FailureKind.InvalidResponse, Cause.BadResponse, "header", 502, "127.0.0.1:3000", 1, FactsBuilder.Now.AddMinutes(-1), FactsBuilder.Now.AddMinutes(-1), [new Facts.LogSample("/var/log/nginx/error.log:9", line)]);
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", Facts.ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node");
        facts = facts with { Logs = facts.Logs! with { Incidents = [incident] } };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.BadResponse);
        Assert.Equal(framing, f.Remedy.Summary.StartsWith("The backend frames its response twice", StringComparison.Ordinal));
    }
}
