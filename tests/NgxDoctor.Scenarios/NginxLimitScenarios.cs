using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx's own limit_req answering most requests 503 while the backend is fine (issue 26): the verdict is not OK, and
/// the finding names the zone, its rate and where it is applied, as real nginx logged and enforced it.
/// </summary>
public sealed class NginxLimitScenarios
{
    [SkippableFact]
    public async Task Nginxs_own_limit_req_rejecting_most_requests_is_named_with_its_zone_and_rate()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync("limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;\n"
            + lab.Server($"location / {{ limit_req zone=one; proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        var statuses = await lab.GetAsync("/", 8);
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(7, statuses.Count(s => s == 503));

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var limited = ScenarioLab.Only(run, "rate-limited");
        Assert.Contains("rejected 7 request(s) with 503 under limit_req zone \"one\" (rate 1r/m, no burst per $binary_remote_addr)", limited.GetProperty("title").GetString(), StringComparison.Ordinal);
        var evidence = ScenarioLab.Evidence(limited);
        Assert.Contains($"{lab.Nginx.ConfigFile}:", evidence, StringComparison.Ordinal);
        Assert.Contains("limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;", evidence, StringComparison.Ordinal);
        Assert.Contains("limit_req zone=one; (location /)", evidence, StringComparison.Ordinal);
        Assert.Contains("limiting requests, excess:", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() is "upstream-down" or "backend-error");
    }
}
