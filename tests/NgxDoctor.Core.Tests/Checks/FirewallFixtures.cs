using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class FirewallFixtures : ICheckFixture
{
    public const string Remote = "server { listen 80; location / { proxy_pass http://10.9.8.7:3000; } }";

    public string CheckId => "firewall";

    public Cause Cause => Diagnosis.Cause.FirewallBlocked;

    public static readonly FirewallRule DropPort = new("inet filter input", "drop", "tcp", [], ["3000"], "inet filter input: tcp dport 3000 drop");

    public static DiagnosisFacts Dropped() => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
        .Probe("127.0.0.1:3000", ProbeOutcome.TimedOut, "no answer to connect within 2 s").Listen("*:3000", "node");

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("dropped, rules not readable", Dropped() with { Firewall = new FirewallFacts("none", "neither nft nor iptables-save is installed", []) });
        yield return ("dropped by a rule", Dropped() with { Firewall = new FirewallFacts("nft -j list ruleset", null, [DropPort]) });
        yield return ("rejected while listening", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused").Listen("127.0.0.1:3000", "node"));
        yield return ("remote, a local rule drops it", FactsBuilder.FromConfig(Remote).Probe("10.9.8.7:3000", ProbeOutcome.TimedOut, "no answer") with
        {
            Listeners = [],
            Firewall = new FirewallFacts("iptables-save", null, [new FirewallRule("filter OUTPUT", "drop", "tcp", ["10.9.8.0/24"], ["3000"], "-A OUTPUT -d 10.9.8.0/24 -p tcp --dport 3000 -j DROP")]),
        });
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("connected", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node"));
        yield return ("refused with nothing listening", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused) with { Listeners = [] });
        yield return ("a full accept queue is saturation", ConnectTimeoutFixtures.Saturated());
        yield return ("remote refused: nothing listens there", FactsBuilder.FromConfig(Remote).Probe("10.9.8.7:3000", ProbeOutcome.Refused, "connection refused") with
        {
            Listeners = [],
            Firewall = new FirewallFacts("nft -j list ruleset", null, [DropPort with { Addresses = ["127.0.0.1"] }]),
        });
    }
}
