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
    public void Owner_matches_of_nft_and_iptables_limit_a_rule_to_some_users_sockets()
    {
        var nft = NftRules.Parse(Fixture("nft-owner.json"));
        Assert.Equal(2, nft.Count);
        Assert.Equal(["65534"], nft[0].Uids);
        Assert.True(nft[0].AppliesTo(65534, "nobody", 65534, [65534]) && !nft[0].AppliesTo(0, "root", 0, [0]));
        Assert.Equal(["65534"], nft[1].Gids);
        Assert.True(nft[1].Matches("127.0.0.1", 5556) && nft[1].AppliesTo(1000, "app", 1000, [1000, 65534]));
        Assert.Contains("meta skuid 65534", nft[0].Text, StringComparison.Ordinal);

        var ipt = IptablesRules.Parse(Fixture("iptables-owner.txt"));
        Assert.Equal(2, ipt.Count);
        Assert.Equal(["65534"], ipt[0].Uids);
        Assert.True(ipt[0].Matches("127.0.0.1", 6000) && ipt[0].AppliesTo(65534, "nobody", 65534, []) && !ipt[0].AppliesTo(0, "root", 0, [0]));
        Assert.Equal(["33"], ipt[1].Gids);
        Assert.True(ipt[1].AppliesTo(33, "www-data", 33, [33]) && !ipt[1].AppliesTo(65534, "nobody", 65534, [65534]));
        Assert.True(new NgxDoctor.Core.Facts.FirewallRule("c", "drop", null, [], [], "t").AppliesTo(0, "root", 0, [0]));
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
    public void The_lines_kept_of_a_long_iptables_save_are_the_ones_its_rules_come_from()
    {
        // A Kubernetes node: thousands of ACCEPT and DNAT lines around the rules that matter.
        var noise = Enumerable.Range(0, 5000).Select(i => $"-A KUBE-SEP-{i:X8} -p tcp -m tcp -j DNAT --to-destination 10.244.{i / 250}.{i % 250}:8080");
        var text = string.Join('\n', new[] { "*nat", ":PREROUTING ACCEPT [0:0]" }.Concat(noise).Append("COMMIT")) + "\n" + Fixture("iptables-save.txt");
        var kept = text.Split('\n').Where(IptablesRules.MayMatter).ToList();
        Assert.True(string.Join('\n', kept).Length < 1024, string.Join('\n', kept));
        Assert.Equal(IptablesRules.Parse(text).Select(r => r.Text), IptablesRules.Parse(string.Join('\n', kept)).Select(r => r.Text));
        Assert.Equal(2, IptablesRules.Parse(text).Count(r => r.Verdict is "policy-drop" or "reject"));
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
