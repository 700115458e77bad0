namespace NgxDoctor.Scenarios;

/// <summary>The HTTP probe finds what nginx would hit before any request went through nginx (empty logs).</summary>
public class HttpProbeScenarios
{
    private static async Task<(ScenarioLab Lab, string Snapshot, int Port)> FreshAsync(string mode)
    {
        var lab = new ScenarioLab();
        try
        {
            var port = ScenarioLab.FreePort();
            await lab.StartFakeAsync(port, mode);
            var snapshot = await lab.StartNginxAsync(lab.Server($"location /app/ {{ proxy_pass http://127.0.0.1:{port}; }}"));
            return (lab, snapshot, port);
        }
        catch
        {
            lab.Dispose(); // a helper that fails half-way must not leave its processes behind
            throw;
        }
    }

    [SkippableFact]
    public async Task A_response_header_over_the_buffer_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, port) = await FreshAsync("bigheader");
        using var _ = lab;
        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "header-too-big");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"probe | http 127.0.0.1:{port} \"GET /app/ HTTP/1.0\"", evidence, StringComparison.Ordinal);
        Assert.Contains("(nginx's default)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_is_not_http_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, _) = await FreshAsync("garbage");
        using var __ = lab;
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("the answer is not HTTP: \\\"+OK this is not http", ScenarioLab.Evidence(f).Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_closes_without_answering_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, _) = await FreshAsync("close");
        using var __ = lab;
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
    }

    [SkippableFact]
    public async Task A_healthy_backend_passes_the_probe()
    {
        var (lab, snapshot, _) = await FreshAsync("ok");
        using var __ = lab;
        var run = lab.Diagnose(snapshot);
        Assert.Equal("ok", run.Json.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task Https_to_a_plain_http_port_is_bad_response()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass https://127.0.0.1:{port}; }}"));

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        var evidence = ScenarioLab.Evidence(f);
        Assert.True(evidence.Contains("TLS handshake failed", StringComparison.Ordinal), evidence);
    }
}
