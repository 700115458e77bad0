using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class ConnectTimeoutTests
{
    [Fact]
    public void A_listener_with_an_empty_queue_that_drops_connects_is_a_firewall_with_the_rule_quoted()
    {
        var facts = FirewallFixtures.Dropped() with { Firewall = new FirewallFacts("nft -j list ruleset", null, [FirewallFixtures.DropPort]) };
        var f = Assert.Single(new FirewallCheck().Run(facts).Findings);
        Assert.Equal(Cause.FirewallBlocked, f.Cause);
        var evidence = string.Join("\n", f.Evidence.Select(e => e.Text));
        Assert.Contains("accept queue is empty", evidence, StringComparison.Ordinal);
        Assert.Contains("tcp dport 3000 drop", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_rules_are_said_and_the_contradiction_still_concludes()
    {
        var facts = FirewallFixtures.Dropped() with { Firewall = new FirewallFacts("none", "nft: Operation not permitted", []) };
        var f = Assert.Single(new FirewallCheck().Run(facts).Findings);
        Assert.Contains("could not be read (nft: Operation not permitted)", string.Join("\n", f.Evidence.Select(e => e.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reject_while_listening_is_not_upstream_down()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused").Listen("127.0.0.1:3000", "node");
        Assert.Empty(new UpstreamDownCheck().Run(facts).Findings);
        Assert.Equal(Cause.FirewallBlocked, Assert.Single(new FirewallCheck().Run(facts).Findings).Cause);
    }

    [Fact]
    public void A_full_queue_is_a_saturated_pool_and_names_the_connect_timeout()
    {
        var f = Assert.Single(new ConnectTimeoutCheck().Run(ConnectTimeoutFixtures.Saturated()).Findings);
        Assert.Equal(Cause.PoolExhausted, f.Cause);
        Assert.Contains("129 connection(s) waiting", string.Join("\n", f.Evidence.Select(e => e.Text)), StringComparison.Ordinal);
        Assert.Contains("proxy_connect_timeout (60s)", f.Remedy.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_remote_timeout_without_a_local_rule_is_listed_as_not_checked_and_names_the_far_side()
    {
        var facts = FactsBuilder.FromConfig("server { location / { proxy_pass http://10.9.9.9:80; } }").Probe("10.9.9.9:80", ProbeOutcome.TimedOut);
        var outcome = new FirewallCheck().Run(facts);
        Assert.Equal(CheckStatus.Skipped, outcome.Status);
        Assert.Contains("10.9.9.9:80", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("far side", outcome.Reason, StringComparison.Ordinal);
    }
}
