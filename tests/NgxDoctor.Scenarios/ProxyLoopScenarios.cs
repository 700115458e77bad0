using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// proxy_pass to nginx's own listen address (issue 26): requests come back until worker_connections run out. It is a
/// loop, named at file:line, and the remedy never says to raise worker_connections, which would only deepen it.
/// </summary>
public sealed class ProxyLoopScenarios
{
    [SkippableFact]
    public async Task Proxy_pass_to_nginxs_own_listener_is_a_loop_never_a_reason_to_raise_worker_connections()
    {
        using var lab = new ScenarioLab();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(lab.Port)}; }}"), workerConnections: 32);
        var statuses = await lab.GetAsync("/");
        Assert.True(statuses[0] >= 500, $"status {statuses[0]}");
        Assert.Contains("worker_connections are not enough", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        // First: the loop; what it causes inside (a reset of the inner request) comes after it.
        var loop = ScenarioLab.Findings(run)[0];
        Assert.True(loop.GetProperty("cause").GetString() == "resource-exhaustion", run.ToString());
        Assert.Contains("A proxy loop: 127.0.0.1:", loop.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{lab.Nginx.ConfigFile}:", ScenarioLab.Evidence(loop), StringComparison.Ordinal);
        Assert.Contains("held by this nginx itself", ScenarioLab.Evidence(loop), StringComparison.Ordinal);
        Assert.Contains("lands in this location again: a loop", ScenarioLab.Evidence(loop), StringComparison.Ordinal);
        var remedy = loop.GetProperty("remedy").GetProperty("summary").GetString()!;
        Assert.Contains("Do not raise worker_connections", remedy, StringComparison.Ordinal);
        Assert.DoesNotContain("Raise worker_rlimit_nofile and worker_connections", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A front server handing requests over to another server of the same nginx is no loop, though its listener is nginx's own.</summary>
    [SkippableFact]
    public async Task A_hand_over_to_another_server_of_the_same_nginx_is_not_called_a_loop()
    {
        using var lab = new ScenarioLab();
        var inner = ScenarioLab.FreePort();
        var body = lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(inner)}; }}")
            + $"\n    server {{ listen 127.0.0.1:{ScenarioLab.Str(inner)}; location / {{ return 200 \"inner\"; }} }}";
        // Two listening sockets and three connections per request: worker_connections 4 runs out on the first one.
        var snapshot = await lab.StartNginxAsync(body, workerConnections: 4);
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await lab.GetAsync("/");
            }
            catch (HttpRequestException)
            {
                // nginx may have no connection left for the client's own either: it resets it.
            }
        }

        Assert.Contains("worker_connections are not enough", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(snapshot);
        var exhausted = ScenarioLab.Findings(run).First(f => f.GetProperty("cause").GetString() == "resource-exhaustion");
        Assert.DoesNotContain("proxy loop", exhausted.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("worker_connections", exhausted.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Do not raise worker_connections", run.Stdout, StringComparison.Ordinal);
    }
}
