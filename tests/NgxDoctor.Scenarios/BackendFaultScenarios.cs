namespace NgxDoctor.Scenarios;

/// <summary>Real nginx, real backends, broken for real; the JSON verdict is asserted.</summary>
public class BackendFaultScenarios
{
    [SkippableFact]
    public async Task Tcp_backend_stopped_is_upstream_down()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var backend = await lab.StartPythonAsync(port);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        backend.Stop();

        var run = lab.Diagnose(snapshot);
        Assert.Equal("critical", run.Json.GetProperty("status").GetString());
        var f = ScenarioLab.Only(run, "upstream-down");
        Assert.Equal($"127.0.0.1:{port}", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"config | {lab.Nginx.ConfigFile}:", evidence, StringComparison.Ordinal);
        Assert.Contains($"probe | tcp 127.0.0.1:{port} | connection refused (111) after", evidence, StringComparison.Ordinal);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static bool DmesgReadable()
    {
        using var dmesg = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        dmesg.StandardOutput.ReadToEnd();
        return dmesg.WaitForExit(5000) && dmesg.ExitCode == 0;
    }

    [SkippableFact]
    public async Task A_backend_worker_that_dies_of_a_segfault_is_named_with_its_signal_from_the_kernel_log()
    {
        Skip.IfNot(File.Exists("/proc/sys/debug/exception-trace") && File.ReadAllText("/proc/sys/debug/exception-trace").Trim() == "1", "the kernel does not log unhandled faults here (debug.exception-trace is 0)");
        Skip.IfNot(DmesgReadable(), "dmesg cannot be read here");
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var backend = await lab.StartFakeAsync(port, "segv");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("upstream prematurely closed connection", evidence, StringComparison.Ordinal);
        Assert.Matches(@"python3 \(pid \d+\) died of SIGSEGV at [0-9:]+: .*python3\[\d+\]: segfault at 0 ", evidence);
        Assert.DoesNotContain($"(pid {ScenarioLab.Str(backend.Pid)})", evidence, StringComparison.Ordinal);
        Assert.Contains("python3 crashed (SIGSEGV", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_node_backend_that_crashes_and_is_started_again_by_its_supervisor_is_named_as_restarted()
    {
        var node = NgxDoctor.Host.Lab.DemoScenario.FindOnPath("node") ?? ScenarioLab.Need("nodejs", "nodejs");
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var app = lab.Nginx.PathOf("www/app.js");
        File.WriteAllText(app, $"require('http').createServer((q, r) => {{ if (q.url === '/crash') process.exit(1); r.end('ok'); }}).listen({ScenarioLab.Str(port)}, '127.0.0.1');");
        // What systemd's Restart=always or pm2 does, two seconds later (the kernel's boot time is whole seconds, so a start
        // time read from /proc may come out up to a second early: one second would not always show it after the failure).
        var supervisor = lab.Nginx.StartProcess("/bin/sh", ["-c", $"while true; do {node} {app}; sleep 2; done"]);
        await supervisor.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/crash"))[0]);
        // Asked directly, not through nginx (requests while it is down would be refusals of their own): gone, then back.
        for (var i = 0; i < 100 && await AcceptsAsync(port); i++)
        {
            await Task.Delay(50);
        }

        for (var i = 0; i < 100 && !await AcceptsAsync(port); i++)
        {
            await Task.Delay(100);
        }

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        Assert.Matches($@"node \(pid \d+\), which listens on 127\.0\.0\.1:{port} now, started at [0-9:]+, after nginx's first failure at [0-9:]+: it was \(re\)started since", ScenarioLab.Evidence(f));
    }

    [SkippableFact]
    public async Task Php_fpm_killed_leaving_its_socket_is_upstream_down_with_a_stale_socket()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/php.sock");
        var fpm = await lab.StartPhpFpmAsync(sock);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ fastcgi_pass unix:{sock}; include /etc/nginx/fastcgi_params; }}"));
        fpm.Stop(); // SIGKILL: php-fpm cannot remove its socket
        Assert.True(File.Exists(sock));

        // The children die a moment after their master; one still alive would accept the request and then be reset.
        for (var i = 0; i < 50 && (await NgxDoctor.Host.Probes.UnixSocketProbe.RunAsync("s", sock, TimeSpan.FromSeconds(1))).Outcome != NgxDoctor.Core.Facts.ProbeOutcome.Refused; i++)
        {
            await Task.Delay(100);
        }
        var statuses = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "upstream-down");
        Assert.Equal("unix:" + sock, f.GetProperty("upstream").GetString());
        Assert.Contains("Stale socket", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("no process listens on it", evidence, StringComparison.Ordinal);
        Assert.Contains($"connect() to unix:{sock} failed (111: Connection refused) while connecting to upstream", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unrelated_service_on_another_port_is_no_candidate_and_root_and_nobody_agree_it_is_down()
    {
        using var lab = new ScenarioLab();
        var unrelated = ScenarioLab.FreePort();
        var configured = ScenarioLab.FreePort();
        await lab.StartPythonAsync(unrelated);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{configured}; }}"));

        foreach (var run in new[] { lab.Diagnose(snapshot), lab.DiagnoseAsNobody(snapshot) })
        {
            var f = ScenarioLab.Only(run, "upstream-down");
            Assert.Equal($"127.0.0.1:{configured}", f.GetProperty("upstream").GetString());
            Assert.DoesNotContain(ScenarioLab.Str(unrelated), f.GetRawText(), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_backend_on_the_same_port_of_ipv6_loopback_is_wrong_address_as_root_and_as_nobody()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNodeAsync(port, "::1");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        Assert.Equal(new[] { 502 }, await lab.GetAsync("/"));

        var root = ScenarioLab.Only(lab.Diagnose(snapshot), "wrong-address");
        var nobody = ScenarioLab.Only(lab.DiagnoseAsNobody(snapshot), "wrong-address");
        foreach (var f in new[] { root, nobody })
        {
            Assert.Equal($"127.0.0.1:{port}", f.GetProperty("upstream").GetString());
            Assert.Contains($"listens on [::1]:{port}: the same port {port}, on ::1 (IPv6) instead of 127.0.0.1", ScenarioLab.Evidence(f), StringComparison.Ordinal);
            Assert.Contains($"proxy_pass http://[::1]:{port};", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        }

        Assert.Contains("node (pid", root.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_socket_in_its_own_private_directory_is_named_as_hidden_as_root_and_as_nobody()
    {
        using var lab = new ScenarioLab();
        var python = ScenarioLab.Need("python3", "python3");
        var dir = lab.Nginx.PathOf("run/private");
        Directory.CreateDirectory(dir);
        var sock = Path.Combine(dir, "app.sock");
        const string Serve = "import socket, sys\ns = socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(8)\nwhile True:\n    c, _ = s.accept()\n    c.recv(65536)\n    c.sendall(b'HTTP/1.0 200 OK\\r\\n\\r\\nok')\n    c.close()\n";
        // A mount namespace of its own with a tmpfs over the directory, as systemd's PrivateTmp= gives a service its /tmp.
        lab.Nginx.StartProcess("unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs \"$1\" && exec \"$2\" -c \"$3\" \"$1/app.sock\"", "sh", dir, python, Serve]);
        for (var i = 0; i < 100 && !File.ReadAllText("/proc/net/unix").Contains(sock, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.False(File.Exists(sock));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://unix:{sock}; }}"));
        Assert.Equal(new[] { 502 }, await lab.GetAsync("/"));

        var root = ScenarioLab.Only(lab.Diagnose(snapshot), "wrong-address");
        var nobody = ScenarioLab.Only(lab.DiagnoseAsNobody(snapshot), "wrong-address");
        foreach (var f in new[] { root, nobody })
        {
            Assert.Contains($"listens on {sock}, but in another mount namespace", f.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.Contains("PrivateTmp", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        }

        Assert.StartsWith("python3 (pid ", root.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Php_fpm_on_a_neighbouring_socket_is_wrong_address_naming_it()
    {
        using var lab = new ScenarioLab();
        var actual = lab.Nginx.PathOf("run/php8.3-fpm.sock");
        var configured = lab.Nginx.PathOf("run/php8.2-fpm.sock");
        await lab.StartPhpFpmAsync(actual);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ fastcgi_pass unix:{configured}; include /etc/nginx/fastcgi_params; }}"));
        var statuses = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "wrong-address");
        Assert.Equal("unix:" + configured, f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"listens on unix:{actual}: PHP-FPM pool www (", evidence, StringComparison.Ordinal);
        Assert.Contains($"fastcgi_pass unix:{actual};", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains($"connect() to unix:{configured} failed (2: No such file or directory)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Php_fpm_socket_root_root_0660_with_workers_as_nobody_is_socket_permission()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/locked.sock");
        await lab.StartPhpFpmAsync(sock, owner: "root", group: "root", mode: "0660");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ fastcgi_pass unix:{sock}; include /etc/nginx/fastcgi_params; }}"));
        var statuses = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "socket-permission");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("nginx workers run as nobody", evidence, StringComparison.Ordinal);
        Assert.Contains("socket root:root mode 0660", evidence, StringComparison.Ordinal);
        Assert.Contains("listen.owner = nobody", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains($"connect() to unix:{sock} failed (13: Permission denied)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_group_of_two_dead_servers_reports_each_server_and_no_live_upstreams_last()
    {
        using var lab = new ScenarioLab();
        var a = ScenarioLab.FreePort();
        var b = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync($$"""
                upstream two {
                    server 127.0.0.1:{{a}};
                    server 127.0.0.1:{{b}};
                }
            {{lab.Server("location / { proxy_pass http://two; }")}}
            """);
        var statuses = await lab.GetAsync("/", 1);
        statuses = [.. statuses, .. await lab.GetAsync("/", 1)];
        Assert.Equal(new[] { 502, 502 }, statuses);

        var run = lab.Diagnose(snapshot);
        var findings = ScenarioLab.Findings(run);
        Assert.Equal("upstream-down,upstream-down,no-live-upstreams", ScenarioLab.Causes(run));
        Assert.Equal([$"127.0.0.1:{a}", $"127.0.0.1:{b}", "two"], findings.Select(f => f.GetProperty("upstream").GetString()));
        Assert.All(findings, f => Assert.Equal("critical", f.GetProperty("severity").GetString()));
        Assert.All(findings.Take(2), f => Assert.Contains("(upstream two)", f.GetProperty("title").GetString(), StringComparison.Ordinal));
        var evidence = ScenarioLab.Evidence(findings[2]);
        Assert.Contains("no live upstreams while connecting to upstream", evidence, StringComparison.Ordinal);
        Assert.Contains("upstream server temporarily disabled", evidence, StringComparison.Ordinal);
    }
}
