using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Tests;

/// <summary>Every log sample the facts carry goes through the one redaction, the 499s per upstream too.</summary>
public sealed class GaveUpRedactionTests
{
    [Fact]
    public void Quoted_499_lines_lose_their_query_values()
    {
        var line = "127.0.0.1 [07/Dec/2026:05:28:10 +0000] \"GET /pay?card=4111111111111111&api_key=SECRET-7731 HTTP/1.1\" 499 127.0.0.1:8000 1.001";
        var incident = new LogIncident(FailureKind.ClientClosed, Diagnosis.Cause.UpstreamTimeout, "response", 499, "127.0.0.1:8000", 6, FactsBuilder.Now, FactsBuilder.Now, [new LogSample("/var/log/nginx/access.log:1", line)]);
        var logs = new LogFacts(FactsBuilder.Now, TimeSpan.FromMinutes(15), [], []) { Access = new AccessFacts([], [], [], [], []) { GaveUp = [incident] } };
        var redacted = FactsRedaction.Logs(logs, keepQuery: false).Access!.GaveUp[0].Samples[0].Text;
        Assert.DoesNotContain("SECRET-7731", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", redacted, StringComparison.Ordinal);
        Assert.Contains("GET /pay?", redacted, StringComparison.Ordinal);
    }
}
