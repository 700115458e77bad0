using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Failing requests are conserved (issue 26), with real nginx: each 502 of a dead backend is explained once, by the
/// finding that names it; 5xx nginx answers itself with no check that knows them (a rewrite cycle, `return 503`)
/// are shown, quoted and critical, never an OK verdict.
/// </summary>
public sealed class UnexplainedFailureScenarios
{
    [SkippableFact]
    public async Task Failures_nginx_answers_itself_that_no_check_knows_are_shown_and_critical()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync(lab.Server(
            $"location /loop {{ rewrite ^ /loop last; }} location /down {{ return 503; }} location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.All(await lab.GetAsync("/loop", 3), s => Assert.Equal(500, s));
        Assert.All(await lab.GetAsync("/down", 2), s => Assert.Equal(503, s));
        Assert.All(await lab.GetAsync("/", 2), s => Assert.Equal(200, s));

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var finding = ScenarioLab.Only(run, "unexplained-failures");
        var title = finding.GetProperty("title").GetString()!;
        Assert.Contains("3 × 500 with no error line", title, StringComparison.Ordinal);
        Assert.Contains("2 × 503 with no error line", title, StringComparison.Ordinal);
        var evidence = ScenarioLab.Evidence(finding);
        Assert.Contains("GET /loop HTTP/1.1\\\" 500", evidence.Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(lab.Nginx.PathOf("logs/access.log") + ":", evidence, StringComparison.Ordinal);
        var failures = run.Json.GetProperty("failures");
        Assert.Equal(5, failures.GetProperty("observed").GetInt32());
        Assert.Equal(5, failures.GetProperty("unexplained").GetInt32());
        Assert.True(finding.GetProperty("observed").GetProperty("now").GetBoolean(), run.ToString());
    }

    [SkippableFact]
    public async Task Every_502_of_a_dead_backend_is_explained_once_by_the_finding_that_names_it()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.All(await lab.GetAsync("/", 5), s => Assert.Equal(502, s));

        var run = lab.Diagnose(snapshot);
        var down = ScenarioLab.Only(run, "upstream-down");
        var observed = down.GetProperty("observed");
        Assert.True(observed.GetProperty("failures").GetInt32() == 5, run.ToString());
        Assert.True(observed.GetProperty("now").GetBoolean());
        var failures = run.Json.GetProperty("failures");
        Assert.Equal(5, failures.GetProperty("observed").GetInt32());
        Assert.Equal(5, failures.GetProperty("explained").GetInt32());
        Assert.Equal(0, failures.GetProperty("unexplained").GetInt32());
    }
}
