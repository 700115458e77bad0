using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`watch` on the 502s that are over in seconds: a PHP-FPM pool saturated, a keep-alive race on POSTs.</summary>
public sealed class WatchPoolScenarios
{
    [SkippableFact]
    public async Task A_php_fpm_pool_saturated_for_a_few_seconds_is_recorded_while_its_backlog_is_full_with_php_fpm_s_status_of_that_moment()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/fpm.sock");
        File.WriteAllText(lab.Nginx.PathOf("www/slow.php"), "<?php usleep(2500000); echo 'done';");
        // The status page on a listener of its own (pm.status_listen): a pool of its own answers it while www is full.
        await lab.StartPhpFpmAsync(sock, maxChildren: 1, backlog: 2, processManager: "static", statusPath: "/fpm-status", statusListen: lab.Nginx.PathOf("run/fpm-status.sock"));
        await lab.StartNginxAsync(lab.Server($$"""
            location ~ \.php$ {
                    include /etc/nginx/fastcgi_params;
                    fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                    fastcgi_pass unix:{{sock}};
                }
            """));
        var state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;
        using var cleanup = new TempDir(state);
        var watch = Task.Run(() => NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = state },
            ["watch", "--config", lab.Nginx.ConfigFile, "--json", "--duration", "10s", "--window", "3s"]));
        await Task.Delay(2000);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => lab.GetAsync("/slow.php")));
        Assert.Contains(502, statuses.SelectMany(s => s));

        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var started = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).First(l => l.GetProperty("event").GetString() == "started");
        Assert.True(started.GetProperty("cause").GetString() == "pool-exhausted", run.ToString());
        Assert.True(started.GetProperty("status").GetString() == "critical", run.ToString());
        var f = started.GetProperty("findings")[0];
        Assert.Equal(("pool-exhausted", "critical"), (f.GetProperty("cause").GetString(), f.GetProperty("severity").GetString()));
        // The probe's own connect at that moment: the backlog full (EAGAIN), or, when it came before the last requests,
        // a place in the queue (which one more request then lacked). Either way PHP-FPM's status says no child is idle.
        var probes = started.GetProperty("findings").EnumerateArray().SelectMany(x => x.GetProperty("evidence").EnumerateArray()).Select(e => e.GetString()!).Where(e => e.StartsWith("unix unix:", StringComparison.Ordinal)).ToList();
        Assert.True(probes.Any(e => e.Contains("accept backlog full after", StringComparison.Ordinal) || e.Contains(": connected after", StringComparison.Ordinal)), $"probe evidence: {string.Join(" | ", probes)}\n{run}");
        // And PHP-FPM's own status at that moment, through pm.status_listen, is in the incident's bundle: no idle child.
        var status = BundleFacts(started.GetProperty("bundle").GetString()!).GetProperty("fastCgiProbes")[0];
        Assert.Contains("through pm.status_listen", status.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var pool = status.GetProperty("poolStatus");
        Assert.Equal((0, 1, 1), (pool.GetProperty("idleProcesses").GetInt32(), pool.GetProperty("activeProcesses").GetInt32(), pool.GetProperty("totalProcesses").GetInt32()));
        var later = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--from", started.GetProperty("bundle").GetString()!, "--json");
        Assert.True(later.Json.GetProperty("status").GetString() == "critical", later.ToString());
        Assert.Equal("pool-exhausted", ScenarioLab.Findings(later)[0].GetProperty("cause").GetString());
    }

    private static JsonElement BundleFacts(string bundle)
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(bundle), System.IO.Compression.CompressionMode.Decompress);
        using var tar = new System.Formats.Tar.TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name.EndsWith("facts.json", StringComparison.Ordinal) && entry.DataStream is { } data)
            {
                return JsonDocument.Parse(data).RootElement.Clone();
            }
        }

        throw new Xunit.Sdk.XunitException($"{bundle} has no facts.json");
    }
}

/// <summary>The keep-alive race: intermittent POST 502s on connections the backend closes as nginx reuses them.</summary>
public sealed class WatchKeepaliveScenarios
{
    [SkippableFact]
    public async Task Intermittent_POST_502s_from_a_keepalive_race_are_recorded_as_one_incident_named_at_once()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "keepalive", 3);
        await lab.StartNginxAsync($"upstream app {{\n    server 127.0.0.1:{ScenarioLab.Str(port)};\n    keepalive 4;\n}}\n"
            + lab.Server("location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }"));
        var watch = Task.Run(() => NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string>(),
            ["watch", "--config", lab.Nginx.ConfigFile, "--json", "--no-bundles", "--failures", "2", "--window", "10s", "--duration", "18s"]));
        await Task.Delay(2000);
        using var http = new HttpClient();
        var statuses = new List<int>();
        // A failed POST is not retried and its connection is gone: every other one lands on a cached connection in time.
        for (var i = 0; i < 5; i++)
        {
            using var r = await http.PostAsync(new Uri($"http://127.0.0.1:{lab.Port}/orders"), new StringContent("x"));
            statuses.Add((int)r.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(2.5)); // into the backend's last idle second on nginx's cached connection
        }

        Assert.Equal(200, statuses[0]);
        Assert.True(statuses.Count(s => s == 502) >= 2, string.Join(",", statuses));
        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var started = Assert.Single(lines, l => l.GetProperty("event").GetString() == "started");
        Assert.Equal(("upstream-crash", "critical", 2), (started.GetProperty("cause").GetString(), started.GetProperty("status").GetString(), started.GetProperty("count").GetInt32()));
        Assert.Contains("POST /orders", started.GetProperty("firstLine").GetString(), StringComparison.Ordinal);
        var f = started.GetProperty("findings")[0];
        Assert.Matches(@"closes idle connections after [23]\.\d s, nginx reuses them for 60 s \(upstream app\)", f.GetProperty("title").GetString());
        Assert.Contains(f.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("closed the idle keep-alive connection after", StringComparison.Ordinal));
    }
}
