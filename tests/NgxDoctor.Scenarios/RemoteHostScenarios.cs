using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// A backend on another host (issue 26): nginx in one network namespace, the backend in another (its own PID
/// namespace too, so nothing reads it through /proc), joined by a veth pair. A host that is gone (no ARP reply), a
/// port its firewall drops while the host answers on another port: told apart, each named as such, from the probes
/// alone, before any request failed.
/// </summary>
public sealed class RemoteHostScenarios
{
    private const string Near = "10.78.0.1";
    private const string Far = "10.78.0.2";

    [SkippableFact]
    public async Task A_port_the_remote_host_drops_while_it_answers_on_another_is_firewall_blocked()
    {
        using var ns = Namespaces.CreateNetwork();
        using var remote = Namespaces.CreateNetwork();
        Link(ns, remote, farUp: true);
        remote.FilterPort(8080);
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        lab.Nginx.StartProcess("ip", ["netns", "exec", remote.Name, "unshare", "--pid", "--fork", "--kill-child", "python3", "-m", "http.server", "8080", "--bind", Far]);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://{Far}:8080; proxy_connect_timeout 1s; }}"));

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var first = ScenarioLab.Findings(run)[0];
        Assert.True(first.GetProperty("cause").GetString() == "firewall-blocked", run.ToString());
        Assert.Equal($"{Far}:8080", first.GetProperty("upstream").GetString());
        Assert.Contains($"{Far} answers on other ports", first.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("refused", ScenarioLab.Evidence(first), StringComparison.Ordinal);
        Assert.Contains("security group", first.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() == "upstream-down");
    }

    [SkippableFact]
    public async Task A_remote_host_that_is_gone_is_upstream_down_from_the_probe_and_the_neighbour_table()
    {
        using var ns = Namespaces.CreateNetwork();
        using var remote = Namespaces.CreateNetwork();
        Link(ns, remote, farUp: false);
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://{Far}:8080; }}"));

        // No request has failed yet: the probe and the kernel's neighbour table are the evidence.
        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var first = ScenarioLab.Findings(run)[0];
        Assert.True(first.GetProperty("cause").GetString() == "upstream-down", run.ToString());
        Assert.Contains($"Host {Far} does not answer on its network", first.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("ARP", ScenarioLab.Evidence(first), StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() == "firewall-blocked");
    }

    /// <summary>nginx's end gets 10.78.0.1/24; the far end 10.78.0.2/24 when <paramref name="farUp"/>, else no address (nobody answers ARP).</summary>
    private static void Link(NetworkNamespace ns, NetworkNamespace remote, bool farUp)
    {
        Namespaces.Run("ip", "link", "add", "vrh0", "netns", ns.Name, "type", "veth", "peer", "name", "vrh1", "netns", remote.Name);
        Namespaces.Run("ip", "netns", "exec", ns.Name, "ip", "addr", "add", Near + "/24", "dev", "vrh0");
        Namespaces.Run("ip", "netns", "exec", ns.Name, "ip", "link", "set", "vrh0", "up");
        if (farUp)
        {
            Namespaces.Run("ip", "netns", "exec", remote.Name, "ip", "addr", "add", Far + "/24", "dev", "vrh1");
        }

        Namespaces.Run("ip", "netns", "exec", remote.Name, "ip", "link", "set", "vrh1", "up");
    }
}
