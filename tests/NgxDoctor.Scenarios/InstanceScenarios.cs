using System.Text.Json;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx in a network namespace of its own (as `ip netns` or a container runtime makes one), diagnosed from outside
/// it: probes and listeners are those of nginx's namespace, never the host's.
/// </summary>
public class InstanceScenarios
{
    [SkippableFact]
    public async Task A_healthy_backend_that_exists_only_in_nginx_s_namespace_is_healthy()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        var port = ScenarioLab.FreePort();
        await lab.StartPythonAsync(port);
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));

        var run = DiagnoseFromOutside("--pid", ScenarioLab.Str(lab.Nginx.Nginx!.Pid));
        Assert.True(run.ExitCode == 0, run.ToString());
        var instance = Assert.Single(run.Json.GetProperty("instances").EnumerateArray());
        Assert.Equal($"pid:{lab.Nginx.Nginx.Pid}", instance.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Number, instance.GetProperty("networkNamespace").ValueKind);
        Assert.Contains(run.Json.GetProperty("checks").EnumerateArray(), c => c.GetProperty("id").GetString() == "upstream-down" && c.GetProperty("outcome").GetString() == "ran");
    }

    [SkippableFact]
    public async Task A_dead_backend_in_nginx_s_namespace_is_down_although_the_host_has_a_listener_on_that_port()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        using var unrelated = await NginxInNamespaceBesideAHostListenerAsync(ns, lab);

        var run = DiagnoseFromOutside("--pid", ScenarioLab.Str(lab.Nginx.Nginx!.Pid));
        var f = ScenarioLab.Findings(run).First();
        Assert.True(f.GetProperty("cause").GetString() == "upstream-down", run.ToString());
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Equal($"pid:{lab.Nginx.Nginx.Pid}", f.GetProperty("instance").GetString());
        Assert.Contains("from network namespace", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Contains(f.GetProperty("remedy").GetProperty("commands").EnumerateArray(), c => c.GetString()!.StartsWith($"nsenter -t {lab.Nginx.Nginx.Pid} -n ss ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_drop_rule_inside_nginx_s_namespace_is_read_from_there_and_quoted()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; proxy_connect_timeout 2s; }}"));
        ns.FilterPort(port);

        var run = DiagnoseFromOutside("--pid", ScenarioLab.Str(lab.Nginx.Nginx!.Pid));
        var f = ScenarioLab.Findings(run).FirstOrDefault(x => x.GetProperty("cause").GetString() == "firewall-blocked");
        Assert.True(f.ValueKind == JsonValueKind.Object, run.ToString());
        Assert.Contains($"tcp dport {ScenarioLab.Str(port)}", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Without_root_nothing_is_probed_from_the_wrong_namespace_and_the_report_says_what_was_not_checked()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        using var unrelated = await NginxInNamespaceBesideAHostListenerAsync(ns, lab);

        var run = DiagnoseAsNobody(lab.Nginx.Nginx!.Pid);
        Assert.True(run.Json.TryGetProperty("status", out _), run.ToString());
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("severity").GetString() == "critical" || f.GetProperty("title").GetString()!.Contains("accepts connections now", StringComparison.Ordinal));
        Assert.Contains(run.Json.GetProperty("skipped").EnumerateArray(), s => s.GetProperty("check").GetString() == "probes"
            && s.GetProperty("reason").GetString()!.StartsWith("not asked from nginx's network namespace: ", StringComparison.Ordinal));
        Assert.True(NgxDoctor.TestSupport.ReportSchema.Problems(run.Stdout) is null, run.ToString());
    }

    [SkippableFact]
    public async Task Without_root_an_nginx_of_ngxdoctor_s_own_network_is_still_probed()
    {
        using var lab = new ScenarioLab();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(ScenarioLab.FreePort())}; }}"));
        var run = DiagnoseAsNobody(lab.Nginx.Nginx!.Pid);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("upstream-down", ScenarioLab.Findings(run)[0].GetProperty("cause").GetString());
    }

    [SkippableFact]
    public async Task Without_arguments_every_master_gets_its_own_verdict_in_its_own_section()
    {
        using var ns = Namespaces.CreateNetwork();
        using var host = new ScenarioLab();
        var hostPort = ScenarioLab.FreePort();
        await host.StartNginxAsync(host.Server($"location / {{ proxy_pass http://127.0.0.1:{hostPort}; }}"));
        using var isolated = new ScenarioLab();
        isolated.Nginx.Wrapper = ns.Wrapper;
        var backend = ScenarioLab.FreePort();
        await isolated.StartPythonAsync(backend);
        await isolated.StartNginxAsync(isolated.Server($"location / {{ proxy_pass http://127.0.0.1:{backend}; }}"));

        var run = DiagnoseFromOutside();
        var instances = run.Json.GetProperty("instances").EnumerateArray().ToList();
        var down = Assert.Single(instances, i => i.GetProperty("masterPid").GetInt32() == host.Nginx.Nginx!.Pid);
        var ok = Assert.Single(instances, i => i.GetProperty("masterPid").GetInt32() == isolated.Nginx.Nginx!.Pid);
        Assert.Equal("critical", down.GetProperty("status").GetString());
        Assert.Equal("ok", ok.GetProperty("status").GetString());
        Assert.Equal(2, run.ExitCode);
        Assert.All(ScenarioLab.Findings(run), f => Assert.Equal(down.GetProperty("id").GetString(), f.GetProperty("instance").GetString()));

        var text = NgxDoctor.TestSupport.NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose");
        Assert.Contains($"== instance {ok.GetProperty("id").GetString()}: network namespace", text.Stdout, StringComparison.Ordinal);
        Assert.True(text.Stdout.IndexOf("CRITICAL  1 problem", StringComparison.Ordinal) < text.Stdout.IndexOf("OK  no problems", StringComparison.Ordinal), text.ToString());
    }

    /// <summary>nginx in <paramref name="ns"/> proxying to a port where nothing listens in its namespace, while the host has something there.</summary>
    private static async Task<NgxDoctor.Host.Lab.LabProcess> NginxInNamespaceBesideAHostListenerAsync(NetworkNamespace ns, ScenarioLab lab)
    {
        var port = ScenarioLab.FreePort();
        var unrelated = await lab.StartPythonAsync(port);
        lab.Nginx.Wrapper = ns.Wrapper;
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        return unrelated;
    }

    /// <summary>diagnose --json --pid as nobody (uid and gid 65534, no groups).</summary>
    private static NgxDoctor.TestSupport.CliRun DiagnoseAsNobody(int pid)
    {
        ScenarioLab.Need("setpriv", "util-linux");
        return NgxDoctor.TestSupport.NgxDoctorCli.RunUnder(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], TimeSpan.FromSeconds(60),
            new Dictionary<string, string>(), "diagnose", "--json", "--pid", ScenarioLab.Str(pid));
    }

    /// <summary>diagnose --json run in the test's own namespace (not nginx's), the contract's invariants checked.</summary>
    private static NgxDoctor.TestSupport.CliRun DiagnoseFromOutside(params string[] extra)
    {
        var run = NgxDoctor.TestSupport.NgxDoctorCli.Run(TimeSpan.FromSeconds(60), ["diagnose", "--json", .. extra]);
        Assert.True(run.Json.TryGetProperty("status", out _), run.ToString());
        Assert.True(NgxDoctor.TestSupport.ReportSchema.Problems(run.Stdout) is null, $"{NgxDoctor.TestSupport.ReportSchema.Problems(run.Stdout)}\n{run}");
        return run;
    }
}
