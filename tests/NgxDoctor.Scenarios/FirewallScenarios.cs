namespace NgxDoctor.Scenarios;

/// <summary>
/// A backend behind a DROP rule and one behind a REJECT rule, in a network namespace the test creates (the host's
/// packet filter is never touched): nginx, the backend and ngxdoctor all run inside it.
/// </summary>
public class FirewallScenarios
{
    /// <summary>nginx and a healthy backend, both in <paramref name="ns"/>, before any rule is added.</summary>
    private static async Task<(int Port, string Snapshot)> BackendBehindAsync(NetworkNamespace ns, ScenarioLab lab, string connectTimeout)
    {
        lab.Nginx.Wrapper = ns.Wrapper;
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        return (port, await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; proxy_connect_timeout {connectTimeout}; }}")));
    }

    [SkippableTheory]
    [InlineData("drop", "dropped")]
    [InlineData("reject with tcp reset", "rejected")]
    public async Task A_rule_in_front_of_a_listening_backend_is_firewall_blocked_with_the_rule_quoted(string verdict, string word)
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        var (port, snapshot) = await BackendBehindAsync(ns, lab, "2s");
        ns.FilterPort(port, verdict);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "firewall-blocked");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"tcp dport {ScenarioLab.Str(port)}", evidence, StringComparison.Ordinal);
        Assert.Contains($"yet the connection was {word}", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_firewall_comes_before_the_connect_timeouts_it_explains()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        var (port, snapshot) = await BackendBehindAsync(ns, lab, "1s");
        ns.FilterPort(port);
        Assert.Equal(504, ns.Get($"http://127.0.0.1:{lab.Port}/"));

        var run = lab.Diagnose(snapshot);
        Assert.Equal("firewall-blocked,upstream-timeout", ScenarioLab.Causes(run));
        var timeout = ScenarioLab.Findings(run)[1];
        Assert.Equal($"firewall-blocked 127.0.0.1:{port}", timeout.GetProperty("explainedBy")[0].GetString());
    }

    /// <summary>
    /// A rule that stops only the worker user's sockets: root's probe connects, so without a probe as the worker the
    /// log's refusals looked like an outage that had ended. Refused (a reset: 502) and dropped (the connect times out: 504).
    /// </summary>
    [SkippableTheory]
    [InlineData("meta skuid 65534", "reject with tcp reset", "refused", 502)]
    [InlineData("meta skgid 65534", "drop", "dropped", 504)]
    public async Task A_rule_for_the_worker_user_only_is_firewall_blocked_naming_the_rule_not_an_ended_outage(string owner, string verdict, string word, int status)
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        var (port, snapshot) = await BackendBehindAsync(ns, lab, "2s");
        ns.FilterOwner(owner, port, verdict);
        Assert.Equal(status, ns.Get($"http://127.0.0.1:{lab.Port}/"));

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("cause").GetString() == "firewall-blocked", run.ToString());
        Assert.All(ScenarioLab.Findings(run).Skip(1), x => Assert.Equal("firewall-blocked " + $"127.0.0.1:{port}", x.GetProperty("explainedBy")[0].GetString()));
        Assert.Equal("worker-filter", f.GetProperty("check").GetString());
        Assert.Equal($"127.0.0.1:{port}", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"{owner} tcp dport {ScenarioLab.Str(port)}", evidence, StringComparison.Ordinal);
        Assert.Contains($"tcp 127.0.0.1:{ScenarioLab.Str(port)} as root | connected", evidence, StringComparison.Ordinal);
        Assert.Contains($"tcp 127.0.0.1:{ScenarioLab.Str(port)} as nobody | ", evidence, StringComparison.Ordinal);
        Assert.Contains($"({word})", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("accepts connections now", f.GetRawText(), StringComparison.Ordinal);
    }
}
