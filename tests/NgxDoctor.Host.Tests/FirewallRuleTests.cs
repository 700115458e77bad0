using NgxDoctor.Host.Firewall;

namespace NgxDoctor.Host.Tests;

/// <summary>Rule readers on what nft 1.0.6 and iptables-save 1.8.9 printed for rules set in a test network namespace.</summary>
public class FirewallRuleTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public void Nft_drop_and_reject_rules_match_their_address_and_ports_and_negations_are_left_out()
    {
        var rules = NftRules.Parse(Fixture("nft-ruleset.json"));
        Assert.Equal(2, rules.Count);
        Assert.True(rules[0].Matches("127.0.0.1", 5555));
        Assert.False(rules[0].Matches("127.0.0.2", 5555));
        Assert.False(rules[0].Matches("127.0.0.1", 5556));
        Assert.Equal("reject", rules[1].Verdict);
        Assert.True(rules[1].Matches("192.0.2.1", 6005));
        Assert.True(rules[1].Matches("192.0.2.1", 7000));
        Assert.False(rules[1].Matches("192.0.2.1", 6011));
        Assert.Contains("tcp dport 5555", rules[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Iptables_save_rules_and_drop_policies_are_read()
    {
        var rules = IptablesRules.Parse(Fixture("iptables-save.txt"));
        Assert.Contains(rules, r => r.Verdict == "policy-drop" && r.Chain == "filter FORWARD");
        var reject = Assert.Single(rules, r => r.Verdict == "reject");
        Assert.True(reject.Matches("127.0.0.1", 6010));
        Assert.True(reject.Matches("127.0.0.1", 7000));
        Assert.False(reject.Matches("127.0.0.1", 7001));
        Assert.DoesNotContain(rules, r => r.Text.Contains("8000", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cidr_contains_its_addresses_only()
    {
        Assert.True(Core.Facts.Cidr.Contains("10.9.8.0/24", "10.9.8.7"));
        Assert.False(Core.Facts.Cidr.Contains("10.9.8.0/24", "10.9.9.7"));
        Assert.True(Core.Facts.Cidr.Contains("::1", "::1"));
        Assert.False(Core.Facts.Cidr.Contains("::1/128", "127.0.0.1"));
    }
}
