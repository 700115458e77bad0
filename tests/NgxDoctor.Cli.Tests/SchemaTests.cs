using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>docs/diagnose.schema.json is the published shape of `diagnose --json`: real output validates, broken documents do not.</summary>
public sealed class SchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Diagnose_json_validates_for_a_failing_and_a_route_limited_run()
    {
        var conf = Path.Combine(_dir, "nginx.conf");
        File.WriteAllText(conf, "events {}\nhttp {\n upstream app { server 127.0.0.1:9; server 127.0.0.1:10; }\n server { listen 127.0.0.1:8080; server_name a.test; location / { proxy_pass http://app; } location /x/ { set $b api.test; proxy_pass http://$b; } }\n}\n");
        foreach (var args in new[] { new[] { "diagnose", "--config", conf, "--json" }, ["diagnose", "--config", conf, "--json", "--url", "http://a.test:8080/x/1"] })
        {
            var run = NgxDoctorCli.Run(args);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.True(ReportSchema.Problems(run.Stdout) is null, ReportSchema.Problems(run.Stdout) + "\n" + run.Stdout);
        }
    }

    [Theory]
    [InlineData("""{"findings": [], "skipped": [], "checks": [], "context": {"configFile": "x", "masterPid": null, "workerUser": null, "upstreams": 0, "collectedAt": "t", "hostname": "h"}}""")]
    [InlineData("""{"status": "bad", "findings": [], "skipped": [], "checks": [], "context": {"configFile": "x", "masterPid": null, "workerUser": null, "upstreams": 0, "collectedAt": "t", "hostname": "h"}}""")]
    [InlineData("""{"status": "critical", "findings": [{"cause": "gremlins", "severity": "critical", "upstream": null, "title": "t", "evidence": [{"kind": "probe", "source": "s", "text": "t"}], "remedy": {"summary": "s", "commands": []}, "check": "c", "confidence": "high", "confidenceWhy": "w", "explains": [], "explainedBy": []}], "skipped": [], "checks": [], "context": {"configFile": "x", "masterPid": null, "workerUser": null, "upstreams": 0, "collectedAt": "t", "hostname": "h"}}""")]
    public void Documents_that_break_the_contract_do_not_validate(string json) => Assert.NotNull(ReportSchema.Problems(json));
}
