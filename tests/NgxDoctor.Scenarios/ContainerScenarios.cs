using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx and its backends in real Docker containers on a network the test creates (explicit subnet), diagnosed from
/// the host as a user would on a Docker host: every container is an instance with its own network namespace, its
/// own root and Docker's embedded DNS. These run in the host's PID namespace (test.sh runs them outside the
/// isolation of the other scenarios), where dockerd's containers are.
/// </summary>
[Trait("Category", "Docker")]
public class ContainerScenarios
{
    private const string Proxy = """
        worker_processes 1;
        events {}
        http {
            server { listen 80; location / { proxy_pass http://app:8000; proxy_connect_timeout 2s; } }
        }
        """;

    [SkippableFact]
    public void A_compose_like_setup_is_healthy_from_the_host_and_names_the_container_and_its_service()
    {
        using var docker = new DockerLab();
        docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy, ["--label", "com.docker.compose.project=shop", "--label", "com.docker.compose.service=web"]);
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));

        var run = Diagnose("--container", docker.Name("web"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var instance = Assert.Single(run.Json.GetProperty("instances").EnumerateArray());
        Assert.Equal(docker.Name("web"), instance.GetProperty("id").GetString());
        var container = instance.GetProperty("container");
        Assert.Equal("docker", container.GetProperty("runtime").GetString());
        Assert.Equal("web", container.GetProperty("composeService").GetString());
        Assert.Equal("docker-api", container.GetProperty("source").GetString());
        Assert.StartsWith(container.GetProperty("id").GetString()!, web, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_app_container_stopped_is_a_critical_finding_about_app_8000()
    {
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy);
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));
        docker.Docker("stop", "-t", "1", app);
        // Nothing answers at the stopped container's address: no route (502) or a connect timeout (504).
        Assert.Contains(docker.Get(web, "http://127.0.0.1/index.html"), new[] { 502, 504 });

        var run = Diagnose("--container", docker.Name("web"));
        Assert.True(run.ExitCode == 2, run.ToString());
        var first = ScenarioLab.Findings(run)[0];
        Assert.Equal(docker.Name("web"), first.GetProperty("instance").GetString());
        // The name nginx can no longer resolve: the finding about it names the stopped container that had it.
        var about = Assert.Single(ScenarioLab.Findings(run), f => f.GetProperty("upstream").GetString() is "app" or "app:8000");
        Assert.Contains($"container {docker.Name("app")} | answers to app; it is exited", ScenarioLab.Evidence(about), StringComparison.Ordinal);
        Assert.Contains(about.GetProperty("remedy").GetProperty("commands").EnumerateArray(), c => c.GetString() == $"docker start {docker.Name("app")}");
        Assert.EndsWith($"the container that answers to app, {docker.Name("app")}, is exited", about.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("critical", about.GetProperty("severity").GetString());
    }

    [SkippableFact]
    public void The_app_listening_on_another_port_is_wrong_address_naming_the_container_and_its_port()
    {
        using var docker = new DockerLab();
        docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8001", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy);
        Assert.Equal(502, docker.Get(web, "http://127.0.0.1/index.html"));

        var run = Diagnose("--container", docker.Name("web"));
        Assert.True(run.ExitCode == 2, run.ToString());
        var first = ScenarioLab.Findings(run)[0];
        Assert.Equal("wrong-address", first.GetProperty("cause").GetString());
        Assert.Equal($"Nothing listens on app:8000, but container {docker.Name("app")} listens on *:8001", first.GetProperty("title").GetString());
        Assert.Contains("change `proxy_pass http://app:8000;` to `proxy_pass http://app:8001;`", first.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains($"container {docker.Name("app")} | answers to app ({docker.Ip(docker.Name("app"))}); it listens on *:8001, not on port 8000", ScenarioLab.Evidence(first), StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() == "upstream-down");
    }

    [SkippableFact]
    public void The_app_recreated_with_a_new_address_while_nginx_keeps_the_old_one_is_dns_stale()
    {
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy);
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));
        var old = docker.Ip(app);
        docker.Docker("rm", "-f", app);
        // Something else takes the old address, so the new app gets another one (as on a busy network).
        docker.StartOnNetwork("filler", "filler", ["--ip", old], "sleep", "300");
        var recreated = docker.StartOnNetwork("app2", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        Assert.NotEqual(old, docker.Ip(recreated));
        Assert.Contains(docker.Get(web, "http://127.0.0.1/index.html"), new[] { 502, 504 });

        var run = Diagnose("--container", docker.Name("web"));
        var stale = Assert.Single(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() == "dns-stale");
        Assert.Contains(old, stale.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains(docker.Ip(recreated), stale.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains(stale.GetProperty("remedy").GetProperty("commands").EnumerateArray(), c => c.GetString() == $"docker exec {docker.Name("web")} nginx -s reload");
    }

    [SkippableFact]
    public void nginx_logging_to_stdout_is_read_from_docker_s_json_log()
    {
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        // The image's /var/log/nginx/error.log and access.log link to /dev/stderr and /dev/stdout, as the official image's do.
        var web = docker.Nginx("web", Proxy.Replace("http {", "http {\n    access_log /var/log/nginx/access.log;", StringComparison.Ordinal).Replace("events {}", "error_log /var/log/nginx/error.log;\nevents {}", StringComparison.Ordinal));
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));
        docker.Docker("stop", "-t", "1", app);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(docker.Get(web, "http://127.0.0.1/index.html"), new[] { 502, 504 });
        }

        var run = Diagnose("--container", docker.Name("web"));
        var evidence = string.Join("\n", ScenarioLab.Findings(run).Select(ScenarioLab.Evidence));
        Assert.Contains("-json.log (stderr of container", evidence, StringComparison.Ordinal);
        Assert.Contains("while connecting to upstream", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Json.GetProperty("skipped").EnumerateArray(), s => s.GetProperty("check").GetString() == "error-log");
    }

    [SkippableFact]
    public async Task watch_follows_a_container_s_stderr_in_docker_s_json_log_and_diagnoses_in_its_namespaces()
    {
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy.Replace("http {", "http {\n    access_log /var/log/nginx/access.log;", StringComparison.Ordinal).Replace("events {}", "error_log /var/log/nginx/error.log;\nevents {}", StringComparison.Ordinal));
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));
        var watch = Task.Run(() => NgxDoctorCli.Run(TimeSpan.FromSeconds(90), "watch", "--container", docker.Name("web"), "--json", "--no-bundles", "--duration", "20s", "--window", "5s"));
        await Task.Delay(4000); // located, the json log opened at its end
        docker.Docker("stop", "-t", "1", app);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(docker.Get(web, "http://127.0.0.1/index.html"), new[] { 502, 504 });
        }

        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var started = JsonDocument.Parse(run.Stdout.Split('\n')[0]).RootElement;
        Assert.Equal("started", started.GetProperty("event").GetString());
        Assert.Contains("while connecting to upstream", started.GetProperty("firstLine").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"log\":", started.GetProperty("firstLine").GetString(), StringComparison.Ordinal);
        Assert.Equal("critical", started.GetProperty("status").GetString());
    }

    [SkippableFact]
    public void logs_reads_a_container_s_stdout_and_fix_does_not_edit_the_container_s_file_but_names_the_host_s()
    {
        using var docker = new DockerLab();
        const string Slow = "import http.server, time\nclass H(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        time.sleep(3); self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\nhttp.server.ThreadingHTTPServer(('', 8000), H).serve_forever()";
        docker.StartOnNetwork("app", "app", [], "python3", "-c", Slow);
        var web = docker.Nginx("web", Proxy.Replace("proxy_connect_timeout 2s;", "proxy_read_timeout 1s;", StringComparison.Ordinal)
            .Replace("events {}", "error_log /var/log/nginx/error.log;\nevents {}", StringComparison.Ordinal));
        Assert.Equal(504, docker.Get(web, "http://127.0.0.1/", until: 504));

        var logs = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "logs", "--container", docker.Name("web"), "--json");
        var scans = logs.Json.GetProperty("logs").GetProperty("files").EnumerateArray().ToList();
        Assert.Contains(scans, f => f.GetProperty("path").GetString()!.EndsWith($"-json.log (stderr of container {docker.Name("web")})", StringComparison.Ordinal));
        Assert.Contains("read-timeout", logs.Stdout, StringComparison.Ordinal);

        var conf = Path.Combine(docker.Directory, "web.conf");
        var before = File.ReadAllText(conf);
        var plan = NgxDoctorCli.Run(TimeSpan.FromSeconds(90), "fix", "--container", docker.Name("web"));
        Assert.Contains("proxy_read_timeout", plan.Stdout, StringComparison.Ordinal);
        var fix = NgxDoctorCli.Run(TimeSpan.FromSeconds(90), "fix", "--container", docker.Name("web"), "--apply", "--yes");
        Assert.NotEqual(0, fix.ExitCode);
        Assert.Contains($"is the host's {conf} (a bind mount)", fix.Stderr, StringComparison.Ordinal);
        Assert.Contains($"docker exec {docker.Name("web")} nginx -s reload", fix.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(conf));
    }

    [SkippableFact]
    public async Task A_php_fpm_sidecar_s_pool_is_read_through_its_root_and_its_saturation_seen()
    {
        Skip.If(!File.Exists(ScenarioLab.PhpFpm), $"{ScenarioLab.PhpFpm} is not on this machine, so not in the image");
        using var docker = new DockerLab();
        var www = Path.Combine(docker.Directory, "www");
        Directory.CreateDirectory(www);
        File.WriteAllText(Path.Combine(www, "slow.php"), "<?php sleep(5); echo 'ok';");
        var fpm = Path.Combine(docker.Directory, "fpm.conf");
        File.WriteAllText(fpm, "[global]\nerror_log = /tmp/fpm.log\ndaemonize = no\n[www]\nuser = nobody\ngroup = nogroup\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 1\npm.status_path = /status\n");
        const string Config = "worker_processes 1;\nevents {}\nhttp {\n    server {\n        listen 80;\n        location ~ \\.php$ { include fastcgi_params; fastcgi_pass 127.0.0.1:9000; fastcgi_param SCRIPT_FILENAME /srv/www$fastcgi_script_name; }\n    }\n}\n";
        var web = docker.Nginx("web", Config, ["-v", $"{www}:/srv/www:ro"]);
        // The pool's configuration exists only inside the sidecar (/etc/fpm.conf): the host has no such file.
        docker.Start("fpm", ["--network", $"container:{web}", "-v", $"{fpm}:/etc/fpm.conf:ro", "-v", $"{www}:/srv/www:ro"], ScenarioLab.PhpFpm, "-n", "-y", "/etc/fpm.conf", "-F");
        docker.WaitForPort(web, 9000);
        var busy = Task.Run(() => docker.Get(web, "http://127.0.0.1/slow.php"));
        // docker exec and python take a moment before the request reaches the pool's one child.
        await Task.Delay(1500);

        var run = Diagnose("--container", docker.Name("web"));
        var f = ScenarioLab.Findings(run).First(x => x.GetProperty("check").GetString() == "fastcgi-probe");
        Assert.Equal("pool-exhausted", f.GetProperty("cause").GetString());
        Assert.Contains("pm.max_children = 1 (pool www", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Contains("/etc/fpm.conf", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Equal(200, await busy);
    }

    [SkippableFact]
    public void collect_and_url_of_a_container_use_its_own_configuration_never_the_host_s_file_of_that_name()
    {
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy.Replace("listen 80;", "listen 80; server_name shop.test;", StringComparison.Ordinal)
            .Replace("events {}", "error_log /var/log/nginx/error.log;\nevents {}", StringComparison.Ordinal));
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));
        docker.Docker("stop", "-t", "1", app);

        var bundle = Path.Combine(docker.Directory, "web.tar.gz");
        var collect = NgxDoctorCli.Run(TimeSpan.FromSeconds(90), "collect", "--container", docker.Name("web"), "-o", bundle);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        var dump = Namespaces.Run("tar", "-xzOf", bundle, "nginx-T.conf");
        Assert.Contains("# configuration file /etc/nginx/nginx.conf:", dump, StringComparison.Ordinal);
        Assert.Contains("proxy_pass http://app:8000;", dump, StringComparison.Ordinal);
        Assert.Contains("server_name shop.test;", dump, StringComparison.Ordinal);
        var offline = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--from", bundle, "--json");
        Assert.Equal(Causes(Diagnose("--container", docker.Name("web")).Json), Causes(offline.Json));

        var url = Diagnose("--container", docker.Name("web"), "--url", "http://shop.test/x");
        Assert.Equal("location /", url.Json.GetProperty("route").GetProperty("locations")[0].GetProperty("what").GetString());
    }

    [SkippableFact]
    public void A_pod_shaped_pair_sharing_one_network_namespace_is_healthy_on_127_0_0_1()
    {
        using var docker = new DockerLab();
        var web = docker.Nginx("web", Proxy.Replace("http://app:8000", "http://127.0.0.1:8000", StringComparison.Ordinal));
        docker.Start("sidecar", ["--network", $"container:{web}"], "python3", "-m", "http.server", "8000", "--bind", "127.0.0.1", "--directory", "/srv");
        docker.WaitForPort(web, 8000);
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));

        var run = Diagnose("--container", docker.Name("web"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(JsonValueKind.Number, run.Json.GetProperty("instances")[0].GetProperty("networkNamespace").ValueKind);
    }

    [SkippableFact]
    public async Task A_host_nginx_a_container_and_a_bare_namespace_get_three_verdicts()
    {
        using var docker = new DockerLab();
        docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy);
        using var host = new ScenarioLab();
        await host.StartNginxAsync(host.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(ScenarioLab.FreePort())}; }}"));
        using var ns = Namespaces.CreateNetwork();
        using var isolated = new ScenarioLab();
        isolated.Nginx.Wrapper = ns.Wrapper;
        var backend = ScenarioLab.FreePort();
        await isolated.StartPythonAsync(backend);
        await isolated.StartNginxAsync(isolated.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(backend)}; }}"));
        Assert.Equal(200, docker.Get(web, "http://127.0.0.1/index.html", until: 200));

        var run = Diagnose();
        var instances = run.Json.GetProperty("instances").EnumerateArray().ToDictionary(i => i.GetProperty("masterPid").GetInt32());
        Assert.Equal("critical", instances[host.Nginx.Nginx!.Pid].GetProperty("status").GetString());
        Assert.Equal("ok", instances[isolated.Nginx.Nginx!.Pid].GetProperty("status").GetString());
        Assert.Equal("ok", instances[docker.Pid(web)].GetProperty("status").GetString());
        Assert.Equal(docker.Name("web"), instances[docker.Pid(web)].GetProperty("id").GetString());
        Assert.Equal(2, run.ExitCode);
    }

    [SkippableFact]
    public void ngxdoctor_run_inside_the_nginx_container_gives_the_verdict_it_gives_from_the_host()
    {
        Skip.If(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is not { Length: > 0 }, "the in-container run needs the native binary (test.sh sets NGXDOCTOR_CLI)");
        using var docker = new DockerLab();
        var app = docker.StartOnNetwork("app", "app", [], "python3", "-m", "http.server", "8000", "--directory", "/srv");
        var web = docker.Nginx("web", Proxy);
        docker.Docker("cp", Environment.GetEnvironmentVariable("NGXDOCTOR_CLI")!, $"{web}:/ngxdoctor");
        foreach (var broken in new[] { false, true })
        {
            if (broken)
            {
                docker.Docker("stop", "-t", "1", app);
            }

            var fromHost = Diagnose("--container", docker.Name("web"));
            var inside = docker.DockerExit(out var stdout, "exec", web, "/ngxdoctor", "diagnose", "--json");
            using var doc = JsonDocument.Parse(stdout);
            Assert.True(inside == fromHost.ExitCode, $"inside: exit {inside}\n{stdout}\nfrom the host:\n{fromHost}");
            Assert.Equal(Causes(fromHost.Json), Causes(doc.RootElement));
        }
    }

    private static string Causes(JsonElement report) => string.Join(",", report.GetProperty("findings").EnumerateArray().Select(f => $"{f.GetProperty("cause").GetString()}@{f.GetProperty("upstream").GetString()}"));

    private static CliRun Diagnose(params string[] extra)
    {
        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), ["diagnose", "--json", .. extra]);
        Assert.True(run.Json.TryGetProperty("status", out _), run.ToString());
        Assert.True(ReportSchema.Problems(run.Stdout) is null, $"{ReportSchema.Problems(run.Stdout)}\n{run}");
        return run;
    }
}
