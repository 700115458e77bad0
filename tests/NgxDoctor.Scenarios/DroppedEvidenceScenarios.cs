using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Failures nginx logs that no check used to count (issue 26): a backend host that is gone (113: No route to host,
/// after the kernel's neighbour lookup gives up, later than the probe does) and a body nginx cannot pass on
/// (invalid chunked response, after a 200 header). Real nginx, real failures; the verdict is not OK.
/// </summary>
public sealed class DroppedEvidenceScenarios
{
    [SkippableFact]
    public async Task A_backend_host_that_is_gone_is_upstream_down_naming_the_host_from_nginxs_log()
    {
        using var ns = Namespaces.CreateNetwork();
        using var remote = Namespaces.CreateNetwork();
        // A network of two ends: nginx's with 10.77.0.1/24, the other up with no address: nobody answers ARP for .2.
        Namespaces.Run("ip", "link", "add", "vgone0", "netns", ns.Name, "type", "veth", "peer", "name", "vgone1", "netns", remote.Name);
        Namespaces.Run("ip", "netns", "exec", ns.Name, "ip", "addr", "add", "10.77.0.1/24", "dev", "vgone0");
        Namespaces.Run("ip", "netns", "exec", ns.Name, "ip", "link", "set", "vgone0", "up");
        Namespaces.Run("ip", "netns", "exec", remote.Name, "ip", "link", "set", "vgone1", "up");
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        var snapshot = await lab.StartNginxAsync(lab.Server("location / { proxy_pass http://10.77.0.2:8080; }\nlocation /api/ { proxy_pass http://10.77.0.2:9090; }"));
        Assert.Equal(502, ns.Get($"http://127.0.0.1:{ScenarioLab.Str(lab.Port)}/"));
        Assert.Equal(502, ns.Get($"http://127.0.0.1:{ScenarioLab.Str(lab.Port)}/api/"));
        Assert.Contains("(113: No route to host)", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        // One root: the host, with both of its ports nginx passes to.
        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var down = ScenarioLab.Findings(run).Where(f => f.GetProperty("cause").GetString() == "upstream-down").ToList();
        Assert.True(down.Count == 1, run.ToString());
        Assert.Contains("Host 10.77.0.2 cannot be reached", down[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(["10.77.0.2:8080", "10.77.0.2:9090"], down[0].GetProperty("affects").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("No route to host", ScenarioLab.Evidence(down[0]), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_body_nginx_cannot_pass_on_after_a_200_header_is_a_bad_response_now()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "badchunk");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        for (var i = 0; i < 2; i++)
        {
            // The client gets the 200 header, then a body that ends before its chunked framing does.
            await Assert.ThrowsAsync<HttpRequestException>(() => lab.GetAsync("/"));
        }
        Assert.Contains("upstream sent invalid chunked response", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var bad = ScenarioLab.Only(run, "bad-response");
        Assert.Contains("cut body", bad.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("invalid chunked response", ScenarioLab.Evidence(bad), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Clients_giving_up_on_a_slow_backend_are_counted_from_the_access_log()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 6);
        var snapshot = await lab.StartNginxAsync(
            $"log_format up '$remote_addr [$time_local] \"$request\" $status $upstream_addr $upstream_response_time';\naccess_log {lab.Root}/logs/up.log up;\n"
            + lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        // Clients that wait one second for an endpoint that takes six, three at a time, until nginx has logged six 499s.
        var log = lab.Nginx.PathOf("logs/up.log");
        int GaveUp() => File.Exists(log) ? File.ReadAllLines(log).Count(l => l.Contains(" 499 ", StringComparison.Ordinal)) : 0;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) })
        {
            for (var round = 0; round < 6 && GaveUp() < 6; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Assert.ThrowsAsync<TaskCanceledException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{ScenarioLab.Str(lab.Port)}/")))));
                await Task.Delay(300);
            }
        }

        var count = GaveUp();
        Assert.True(count >= 6, $"{count} 499s logged");

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var slow = ScenarioLab.Only(run, "upstream-timeout");
        Assert.Contains($"{count} client(s) gave up waiting for 127.0.0.1:", slow.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("proxy_read_timeout 60s (nginx's default)", ScenarioLab.Evidence(slow), StringComparison.Ordinal);
    }
}
