namespace NgxDoctor.Scenarios;

/// <summary>Real PHP-FPM asked over FastCGI by ngxdoctor's own client: its status page, now and after a saturation.</summary>
public class FastCgiScenarios
{
    private static async Task<(ScenarioLab Lab, string Snapshot, string Socket)> PoolAsync()
    {
        var lab = new ScenarioLab();
        try
        {
            var sock = lab.Nginx.PathOf("run/status.sock");
            File.WriteAllText(lab.Nginx.PathOf("www/slow.php"), "<?php usleep(2500000); echo 'done';");
            await lab.StartPhpFpmAsync(sock, maxChildren: 1, processManager: "dynamic", statusPath: "/fpm-status");
            var snapshot = await lab.StartNginxAsync(lab.Server($$"""
                location ~ \.php$ {
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                        fastcgi_pass unix:{{sock}};
                    }
                """));
            return (lab, snapshot, sock);
        }
        catch
        {
            lab.Dispose(); // a helper that fails half-way must not leave its processes behind
            throw;
        }
    }

    [SkippableFact]
    public async Task An_ondemand_pool_is_seen_as_it_was_before_the_probes_forked_a_child_for_themselves()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/ondemand.sock");
        var fpm = await lab.StartPhpFpmAsync(sock, maxChildren: 2, processManager: "ondemand", idleTimeout: "1s");
        await lab.StartNginxAsync(lab.Server($"location / {{ include /etc/nginx/fastcgi_params; fastcgi_pass unix:{sock}; }}"));
        // The child forked for the lab's own wait for the socket ends after its idle second.
        for (var i = 0; i < 100 && NgxDoctor.Host.Proc.ProcessTable.Read().Any(p => p.ParentPid == fpm.Pid); i++)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(NgxDoctor.Host.Proc.ProcessTable.Read(), p => p.ParentPid == fpm.Pid);

        var located = await NgxDoctor.Host.Diagnosis.DiagnosisService.LocateAsync(lab.Nginx.ConfigFile, default);
        var diagnosed = await NgxDoctor.Host.Diagnosis.DiagnosisService.DiagnoseAsync(located, new NgxDoctor.Host.CollectOptions { ProbeTimeout = TimeSpan.FromSeconds(10), Deadline = TimeSpan.FromSeconds(30) }, default);

        // The probes reached the pool, and it forked a child to serve them; the facts hold none: the pool had none.
        Assert.Contains(diagnosed.Facts.Probes!, p => p.Target == $"unix:{sock}" && p.Outcome == NgxDoctor.Core.Facts.ProbeOutcome.Connected);
        Assert.Contains(NgxDoctor.Host.Proc.ProcessTable.Read(), p => p.ParentPid == fpm.Pid);
        var master = Assert.Single(diagnosed.Facts.PhpFpm!, m => m.Pid == fpm.Pid);
        Assert.Empty(master.ChildrenRssKb!);
    }

    [SkippableFact]
    public async Task An_idle_pool_answers_its_status_page_and_nothing_is_found()
    {
        var (lab, snapshot, _) = await PoolAsync();
        using var __ = lab;
        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "ok", run.ToString());
    }

    [SkippableFact]
    public async Task A_pool_whose_only_child_is_busy_is_saturated_now_then_in_the_past()
    {
        var (lab, snapshot, sock) = await PoolAsync();
        using var __ = lab;
        var busy = lab.GetAsync("/slow.php", 2);
        await Task.Delay(700);

        var now = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(now).First(x => x.GetProperty("check").GetString() == "fastcgi-probe");
        Assert.Equal("pool-exhausted", f.GetProperty("cause").GetString());
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Contains("no child answers", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("pm.max_children = 1 (pool www", ScenarioLab.Evidence(f), StringComparison.Ordinal);

        await busy;
        await Task.Delay(1200);
        var after = lab.Diagnose(snapshot);
        var evidence = string.Join("\n", ScenarioLab.Findings(after).Select(ScenarioLab.Evidence));
        // The status request takes the one child itself (idle 0, active 1); the queue is empty: saturated before, not now.
        Assert.Contains("listen queue 0, idle 0, active 1 of 1, max children reached 1", evidence, StringComparison.Ordinal);
        Assert.Contains(ScenarioLab.Findings(after), x => x.GetProperty("cause").GetString() == "pool-exhausted");
    }

    [SkippableFact]
    public async Task Fastcgi_pass_to_a_service_that_is_not_fastcgi_is_bad_response()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "banner");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ fastcgi_pass 127.0.0.1:{port}; include /etc/nginx/fastcgi_params; }}"));
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("not FastCGI: the reply starts with", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_fastcgi_client_reads_real_php_fpm_ping_and_status_in_text_and_json()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/client.sock");
        await lab.StartPhpFpmAsync(sock, owner: "root", group: "root", statusPath: "/fpm-status", pingPath: "/fpm-ping", maxChildren: 3);
        var target = Config.Upstreams.InventoryBuilder.Build(new Config.ConfigLoader(new Config.DumpConfigSource(new Dictionary<string, string>
        {
            ["/etc/nginx/nginx.conf"] = $"events {{}} http {{ server {{ location / {{ fastcgi_pass unix:{sock}; }} }} }}",
        })).Load("/etc/nginx/nginx.conf")).Targets[0];

        var ping = await Host.Probes.FastCgiProbe.RunAsync(target, "/fpm-ping", "", TimeSpan.FromSeconds(5));
        Assert.True(ping.Outcome == "ok" && ping.Detail.Contains("pong", StringComparison.Ordinal), ping.ToString());

        var json = await Host.Probes.FastCgiProbe.RunAsync(target, "/fpm-status", "json&full", TimeSpan.FromSeconds(5));
        Assert.True(json.PoolStatus is { Pool: "www", TotalProcesses: 3 }, json.ToString());

        var text = await Host.Probes.FastCgiProbe.RunAsync(target, "/fpm-status", "", TimeSpan.FromSeconds(5));
        // This request's own child is active; the one that served the request before may not be marked idle yet.
        Assert.True(text.PoolStatus is { Pool: "www", TotalProcesses: 3, ActiveProcesses: >= 1 and <= 2 }, text.ToString());
        Assert.Equal(json.PoolStatus!.ListenQueueLength, text.PoolStatus!.ListenQueueLength);
    }
}
