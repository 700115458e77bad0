namespace NgxDoctor.Scenarios;

public class ConfigScenarios
{
    [SkippableFact]
    public async Task An_edit_that_fails_nginx_t_is_config_error_with_file_and_line()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartPythonAsync(port);
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        var text = File.ReadAllText(lab.Nginx.ConfigFile).Replace("server_name scenario.test;", "server_name scenario.test;\n        proxy_bufferz 8 4k;", StringComparison.Ordinal);
        File.WriteAllText(lab.Nginx.ConfigFile, text);
        var line = text.Split('\n').ToList().FindIndex(l => l.Contains("proxy_bufferz", StringComparison.Ordinal)) + 1;

        var run = lab.Diagnose(TestSupport.TreeSnapshot.Of(lab.Nginx.PathOf("conf")));
        var f = ScenarioLab.Only(run, "config-error");
        Assert.Contains($"{lab.Nginx.ConfigFile}:{line}", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Contains("unknown directive \"proxy_bufferz\"", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_healthy_setup_with_several_upstreams_is_ok_with_no_findings()
    {
        using var lab = new ScenarioLab();
        var py = ScenarioLab.FreePort();
        var node = ScenarioLab.FreePort();
        var sock = lab.Nginx.PathOf("run/php.sock");
        await lab.StartPythonAsync(py);
        await lab.StartNodeAsync(node);
        await lab.StartPhpFpmAsync(sock);
        var snapshot = await lab.StartNginxAsync($$"""
                upstream app {
                    server 127.0.0.1:{{py}} max_fails=2;
                    keepalive 4;
                }
            {{lab.Server($$"""
                location / { proxy_pass http://app; }
                location /api/ { proxy_pass http://127.0.0.1:{{node}}/; }
                location ~ \.php$ { fastcgi_pass unix:{{sock}}; include /etc/nginx/fastcgi_params; }
            """)}}
            """);

        var run = lab.Diagnose(snapshot);
        Assert.Equal("ok", run.Json.GetProperty("status").GetString());
        Assert.Empty(ScenarioLab.Findings(run));
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Json.GetProperty("skipped").EnumerateArray());
        Assert.Equal(3, run.Json.GetProperty("context").GetProperty("upstreams").GetInt32());
    }

    [SkippableFact]
    public async Task Upstreams_lists_the_running_instance_inventory()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location /x/ {{ proxy_pass http://127.0.0.1:{port}; proxy_read_timeout 5s; }}"));
        var run = TestSupport.NgxDoctorCli.Run("upstreams", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.Equal(0, run.ExitCode);
        var target = Assert.Single(run.Json.GetProperty("targets").EnumerateArray());
        Assert.Equal($"127.0.0.1:{port}", target.GetProperty("address").GetProperty("text").GetString());
        var site = target.GetProperty("sites")[0];
        Assert.Equal("/x/", site.GetProperty("location").GetString());
        var read = site.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "proxy_read_timeout");
        Assert.Equal("5s", read.GetProperty("value").GetString());

        var text = TestSupport.NgxDoctorCli.Run("upstreams", "--config", lab.Nginx.ConfigFile);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("read_timeout=5s*", text.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Worker_connections_over_the_workers_open_files_limit_is_a_warning()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartPythonAsync(port);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"), "worker_rlimit_nofile 64;");

        var run = lab.Diagnose(snapshot);
        Assert.Equal("warning", run.Json.GetProperty("status").GetString());
        var f = ScenarioLab.Only(run, "resource-exhaustion");
        Assert.Contains("worker_connections 256 exceeds the workers' open-files limit 64", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("Max open files 64", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Without_config_the_running_master_is_found_from_proc()
    {
        var others = Directory.GetDirectories("/proc").Select(Path.GetFileName)
            .Count(pid => int.TryParse(pid, out _) && File.Exists($"/proc/{pid}/cmdline")
                && File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("nginx: master process", StringComparison.Ordinal));
        Assert.True(others == 0, "another nginx master runs on this host; this test needs the lab's to be the only one");
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));

        var run = TestSupport.NgxDoctorCli.Run("diagnose", "--json");
        Assert.True(run.ExitCode == 2, run.ToString());
        var context = run.Json.GetProperty("context");
        Assert.Equal(lab.Nginx.ConfigFile, context.GetProperty("configFile").GetString());
        Assert.Equal(lab.Nginx.Nginx!.Pid, context.GetProperty("masterPid").GetInt32());
        Assert.Equal("nobody", context.GetProperty("workerUser").GetString());
        Assert.Equal("upstream-down", run.Json.GetProperty("findings")[0].GetProperty("cause").GetString());
    }

    [SkippableFact]
    public async Task A_hostname_in_a_variable_without_a_resolver_is_dns_failure_from_config_and_log()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ set $b \"backend.invalid\"; proxy_pass http://$b:{port}; }}"));
        var statuses = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "dns-failure");
        Assert.Equal("backend.invalid", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"http://$b:{port} is http://backend.invalid:{port} here, and no `resolver` is in force", evidence, StringComparison.Ordinal);
        Assert.Contains("no resolver defined to resolve backend.invalid", evidence, StringComparison.Ordinal);
    }
}
