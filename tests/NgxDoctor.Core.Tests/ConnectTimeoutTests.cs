using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class ConnectTimeoutTests
{
    [Fact]
    public void A_listener_with_an_empty_queue_that_drops_connects_is_a_firewall()
    {
        var f = Assert.Single(new ConnectTimeoutCheck().Run(ConnectTimeoutFixtures.Filtered()).Findings);
        Assert.Equal(Cause.FirewallBlocked, f.Cause);
        Assert.Contains("accept queue is empty", string.Join("\n", f.Evidence.Select(e => e.Text)), StringComparison.Ordinal);
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
    public void A_remote_timeout_is_listed_as_not_checked_rather_than_passed()
    {
        var facts = FactsBuilder.FromConfig("server { location / { proxy_pass http://10.9.9.9:80; } }").Probe("10.9.9.9:80", ProbeOutcome.TimedOut);
        var outcome = new ConnectTimeoutCheck().Run(facts);
        Assert.Equal(CheckStatus.Skipped, outcome.Status);
        Assert.Contains("10.9.9.9:80", outcome.Reason, StringComparison.Ordinal);
    }
}
