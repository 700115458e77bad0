using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Names nginx resolves: per request through a `resolver` (a DNS server of the test's own on 127.0.0.1), and once at
/// start-up through /etc/hosts, which the test replaces only inside a private mount namespace for the lab's processes
/// and ngxdoctor (never the host's file).
/// </summary>
public class DnsScenarios
{
    /// <summary>nginx whose `resolver` is a DNS server of the test's that never answers, for a variable pass to api.test.</summary>
    private static async Task<(int Dns, string Snapshot)> SilentResolverAsync(ScenarioLab lab)
    {
        var dns = ScenarioLab.FreePort();
        await lab.StartDnsAsync(dns, "silent");
        return (dns, await lab.StartNginxAsync(lab.Server(
            $"resolver 127.0.0.1:{ScenarioLab.Str(dns)}; resolver_timeout 1s; location / {{ set $backend api.test; proxy_pass http://$backend:8080; }}")));
    }

    [SkippableFact]
    public async Task A_resolver_that_does_not_answer_is_dns_failure_and_nginx_agrees()
    {
        using var lab = new ScenarioLab();
        var (dns, snapshot) = await SilentResolverAsync(lab);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "dns-failure");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"no answer from 127.0.0.1:{ScenarioLab.Str(dns)}", evidence, StringComparison.Ordinal);
        Assert.Contains("resolver_timeout 1s", evidence, StringComparison.Ordinal);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_name_the_resolver_answers_is_healthy()
    {
        using var lab = new ScenarioLab();
        var pass = await VariablePassAsync(lab, "127.0.0.1");
        await lab.StartFakeAsync(pass.Port, "ok");

        Assert.Equal("ok", lab.Diagnose(pass.Snapshot).Json.GetProperty("status").GetString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
    }

    /// <summary>nginx with `resolver` (a DNS server of the test's own, answering from Table) and a pass built from a variable: api.test, port Port.</summary>
    private sealed record VariablePass(int Dns, int Port, string Table, string Snapshot);

    private static async Task<VariablePass> VariablePassAsync(ScenarioLab lab, string address)
    {
        var dns = ScenarioLab.FreePort();
        var port = ScenarioLab.FreePort();
        var table = lab.Nginx.PathOf("dns-table");
        File.WriteAllText(table, $"api.test {address}\n");
        await lab.StartDnsAsync(dns, "answer", table);
        var snapshot = await lab.StartNginxAsync(lab.Server(
            $"resolver 127.0.0.1:{ScenarioLab.Str(dns)} ipv6=off; location / {{ set $backend api.test; proxy_pass http://$backend:{ScenarioLab.Str(port)}; }}"));
        return new VariablePass(dns, port, table, snapshot);
    }

    /// <summary>
    /// nginx started while backend.test was 127.0.0.2 (its /etc/hosts, in the lab's own mount namespace); then the
    /// backend moves to 127.0.0.3 and the name follows (the file rewritten in place); nginx does not: 502.
    /// </summary>
    public static async Task<(string Snapshot, int Port)> MovedBackendAsync(ScenarioLab lab)
    {
        var hosts = lab.Nginx.PathOf("hosts");
        File.WriteAllText(hosts, "127.0.0.1 localhost\n127.0.0.2 backend.test\n");
        lab.Nginx.Wrapper = Namespaces.WithHosts(hosts);
        var port = ScenarioLab.FreePort();
        var old = await lab.StartFakeAsync(port, "ok", 0, null, "127.0.0.2");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://backend.test:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        old.Stop();
        await lab.StartFakeAsync(port, "ok", 0, null, "127.0.0.3");
        File.WriteAllText(hosts, "127.0.0.1 localhost\n127.0.0.3 backend.test\n");
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        return (snapshot, port);
    }

    [SkippableFact]
    public async Task An_address_that_changed_after_nginx_started_is_dns_stale()
    {
        using var lab = new ScenarioLab();
        var (snapshot, port) = await MovedBackendAsync(lab);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "dns-stale");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("resolves now to 127.0.0.3", evidence, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.2:{ScenarioLab.Str(port)}", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_name_that_moved_while_nginx_resolver_caches_the_old_address_is_dns_stale()
    {
        using var lab = new ScenarioLab();
        var (dns, port, table, snapshot) = await VariablePassAsync(lab, "127.0.0.2");
        var old = await lab.StartFakeAsync(port, "ok", 0, null, "127.0.0.2");
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);

        // The backend moves and the record follows; nginx keeps the answer it cached (TTL 300 s).
        old.Stop();
        await lab.StartFakeAsync(port, "ok", 0, null, "127.0.0.3");
        File.WriteAllText(table, "api.test 127.0.0.3\n");
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "dns-stale");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"resolver 127.0.0.1:{ScenarioLab.Str(dns)} ipv6=off", evidence, StringComparison.Ordinal);
        Assert.Contains($"api.test (@127.0.0.1:{ScenarioLab.Str(dns)})", evidence, StringComparison.Ordinal);
        Assert.Contains("resolves now to 127.0.0.3", evidence, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.2:{ScenarioLab.Str(port)}", evidence, StringComparison.Ordinal);
        Assert.Contains("the answer's TTL", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains($"dig @127.0.0.1 -p {ScenarioLab.Str(dns)} api.test", f.GetProperty("remedy").GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        // The lab's master runs with -p and -c: a bare `nginx -s reload` would signal another nginx.
        Assert.Contains($"nginx -p {lab.Root} -c {lab.Nginx.ConfigFile} -s reload", f.GetProperty("remedy").GetProperty("commands").EnumerateArray().Select(c => c.GetString()));

        Assert.Contains($"probe | tcp 127.0.0.3:{ScenarioLab.Str(port)} | connected", evidence, StringComparison.Ordinal);

        // The backend answers where the name points now, so fix reloads nginx (which empties the resolver's cache).
        var state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;
        try
        {
            var fix = NgxDoctor.TestSupport.NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(120), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = state },
                "fix", "--config", lab.Nginx.ConfigFile, "--apply", "--yes", "--only", "dns-stale");
            Assert.True(fix.ExitCode == 0, fix.ToString());
            Assert.Contains("APPLIED", fix.Stdout, StringComparison.Ordinal);
            Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [SkippableFact]
    public async Task A_dead_backend_behind_a_variable_pass_is_upstream_down_probed_where_the_resolver_points()
    {
        using var lab = new ScenarioLab();
        var (dns, port, _, snapshot) = await VariablePassAsync(lab, "127.0.0.1");
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-down");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Equal($"Nothing is listening on 127.0.0.1:{ScenarioLab.Str(port)}, where nginx's resolver sends api.test now", f.GetProperty("title").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"proxy_pass http://$backend:{ScenarioLab.Str(port)};", evidence, StringComparison.Ordinal);
        Assert.Contains($"probe | tcp 127.0.0.1:{ScenarioLab.Str(port)} | connection refused", evidence, StringComparison.Ordinal);
        Assert.Contains($"api.test (@127.0.0.1:{ScenarioLab.Str(dns)}) | resolves now to 127.0.0.1", evidence, StringComparison.Ordinal);
        Assert.Contains("connect() failed (111: Connection refused)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Localhost_resolving_to_ipv6_too_while_the_backend_listens_on_ipv4_only_is_found()
    {
        using var lab = new ScenarioLab();
        var hosts = lab.Nginx.PathOf("hosts");
        File.WriteAllText(hosts, "::1 localhost\n127.0.0.1 localhost\n");
        lab.Nginx.Wrapper = Namespaces.WithHosts(hosts);
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://localhost:{ScenarioLab.Str(port)}; }}"));
        await lab.GetAsync("/", 4);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "wrong-address");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"[::1]:{ScenarioLab.Str(port)}", evidence, StringComparison.Ordinal);
        Assert.Contains("nothing listens here", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_resolver_failure_logged_and_probed_is_one_finding_naming_the_host()
    {
        using var lab = new ScenarioLab();
        var (dns, snapshot) = await SilentResolverAsync(lab);
        Assert.Equal(new[] { 502, 502 }, await lab.GetAsync("/", 2));
        Assert.Contains("api.test could not be resolved", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "dns-failure");
        Assert.Equal("api.test", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"no answer from 127.0.0.1:{ScenarioLab.Str(dns)}", evidence, StringComparison.Ordinal);
        Assert.Contains("api.test could not be resolved (110: Operation timed out)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_reload_refused_for_a_name_that_does_not_resolve_is_one_dns_finding_naming_the_host_and_the_config_error_it_explains()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        lab.Nginx.WriteConfig(lab.Server("location / { proxy_pass http://backend.invalid:8080; }"));
        using (var hup = System.Diagnostics.Process.Start("kill", ["-HUP", ScenarioLab.Str(lab.Nginx.Nginx!.Pid)]))
        {
            await hup.WaitForExitAsync();
        }

        for (var i = 0; i < 100 && !File.ReadAllText(lab.Nginx.ErrorLog).Contains("host not found in upstream", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("host not found in upstream \"backend.invalid\"", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);
        var run = lab.Diagnose(TreeSnapshot.Of(lab.Nginx.PathOf("conf")));
        var findings = ScenarioLab.Findings(run);
        var dns = Assert.Single(findings, f => f.GetProperty("cause").GetString() == "dns-failure");
        Assert.Equal("backend.invalid", dns.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(dns);
        Assert.StartsWith("Upstream host \"backend.invalid\" does not resolve: nginx -t fails", dns.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("command | " + lab.Nginx.ConfigFile, evidence, StringComparison.Ordinal); // nginx -t's own message
        Assert.Contains("[emerg]", evidence, StringComparison.Ordinal); // and the refused reload in the error log
        Assert.Equal("dns-failure", findings[0].GetProperty("cause").GetString());
        Assert.All(findings.Skip(1), f => Assert.NotEqual("dns-failure", f.GetProperty("cause").GetString()));

        // Issue 28: in JUnit, read by junitparser, "the configuration passes nginx -t" fails with dns-failure's finding.
        var junit = Path.Combine(lab.Root, "host.xml");
        File.WriteAllText(junit, NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--format", "junit").Stdout);
        var suite = Assert.Single(JUnit.Parse(junit));
        Assert.StartsWith(System.Net.Dns.GetHostName() + " ", suite.GetProperty("name").GetString(), StringComparison.Ordinal);
        var configTest = suite.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "The configuration passes nginx -t");
        Assert.Equal(("failure", "dns-failure"), (configTest.GetProperty("result").GetString(), configTest.GetProperty("type").GetString()));
    }
}
