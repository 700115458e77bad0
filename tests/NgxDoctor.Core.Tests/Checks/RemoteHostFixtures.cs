using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

/// <summary>A remote upstream whose connect got no answer: gone (no ARP reply) or filtered (another port answers); neither when nothing else tells.</summary>
public sealed class RemoteHostFixtures : ICheckFixture
{
    private const string Site = "server { listen 80; location / { proxy_pass http://10.78.0.2:8080; } location /api/ { proxy_pass http://10.78.0.2:9090; } }";

    public string CheckId => "remote-host";

    /// <summary>The triggering fixtures are filtered ports; a gone host (upstream-down) is the test below.</summary>
    public Cause Cause => Diagnosis.Cause.FirewallBlocked;

    private static DiagnosisFacts TimedOut() => FactsBuilder.FromConfig(Site)
        .Probe("10.78.0.2:8080", ProbeOutcome.TimedOut, "no answer to connect within 2 s").Probe("10.78.0.2:9090", ProbeOutcome.Connected);

    private static ProbeResult Port(int port, ProbeOutcome outcome) => new($"10.78.0.2:{port}", "tcp", outcome, 0.8, outcome == ProbeOutcome.Refused ? "connection refused (111)" : "no answer");

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("port 22 refuses while 8080 drops", TimedOut() with { RemoteHosts = [new RemoteHost("10.78.0.2", RemoteHost.Complete, [Port(22, ProbeOutcome.Refused), Port(80, ProbeOutcome.TimedOut)])] });
        yield return ("the host's sshd answers, not on the link (no neighbour entry)", TimedOut() with { RemoteHosts = [new RemoteHost("10.78.0.2", null, [Port(22, ProbeOutcome.Connected)])] });
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("nothing else answers, the neighbour entry is complete: cannot tell", TimedOut() with { RemoteHosts = [new RemoteHost("10.78.0.2", RemoteHost.Complete, [Port(22, ProbeOutcome.TimedOut)])] });
        yield return ("the upstream port connected", FactsBuilder.FromConfig(Site).Probe("10.78.0.2:8080", ProbeOutcome.Connected).Probe("10.78.0.2:9090", ProbeOutcome.Connected)
            with { RemoteHosts = [new RemoteHost("10.78.0.2", RemoteHost.Complete, [Port(22, ProbeOutcome.Refused)])] });
    }

    [Fact]
    public void A_host_with_no_arp_reply_is_one_upstream_down_finding_for_all_its_silent_ports()
    {
        var facts = FactsBuilder.FromConfig(Site).Probe("10.78.0.2:8080", ProbeOutcome.TimedOut).Probe("10.78.0.2:9090", ProbeOutcome.Unreachable)
            with { RemoteHosts = [new RemoteHost("10.78.0.2", RemoteHost.Incomplete, [Port(22, ProbeOutcome.TimedOut)])] };
        var f = Assert.Single(new NgxDoctor.Core.Checks.RemoteHostCheck().Run(facts).Findings);
        Assert.Equal((Diagnosis.Cause.UpstreamDown, Severity.Critical), (f.Cause, f.Severity));
        Assert.StartsWith("Host 10.78.0.2 does not answer on its network (no ARP reply)", f.Title, StringComparison.Ordinal);
        Assert.Equal(["10.78.0.2:8080", "10.78.0.2:9090"], f.Affects);
    }
}
