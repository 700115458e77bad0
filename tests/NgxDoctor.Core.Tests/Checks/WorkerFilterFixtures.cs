using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class WorkerFilterFixtures : ICheckFixture
{
    public string CheckId => "worker-filter";

    public Cause Cause => Diagnosis.Cause.FirewallBlocked;

    public static readonly FirewallRule ForWwwData = new("inet t output", "reject", "tcp", [], ["3000"], "inet t output: meta skuid 33 tcp dport 3000 reject") { Uids = ["33"] };

    /// <summary>nginx logged refusals; root's probe connects; the worker's does not.</summary>
    public static DiagnosisFacts RefusedForTheWorker(ProbeOutcome worker = ProbeOutcome.Refused) => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
        .Probe("127.0.0.1:3000", ProbeOutcome.Connected, "connected").Listen("127.0.0.1:3000", "node")
        .Log(Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "127.0.0.1:3000") with
    {
        WorkerProbes = [new ProbeResult("127.0.0.1:3000", "tcp", worker, 0.1, worker == ProbeOutcome.TimedOut ? "no answer" : "connection refused")],
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("an nft rule for the worker's uid", RefusedForTheWorker() with { Firewall = new FirewallFacts("nft -j list ruleset", null, [ForWwwData]) });
        yield return ("an iptables rule for the worker's group, dropped", RefusedForTheWorker(ProbeOutcome.TimedOut) with
        {
            Firewall = new FirewallFacts("iptables-save", null, [new FirewallRule("filter OUTPUT", "drop", "tcp", ["127.0.0.1"], ["3000"], "-A OUTPUT -d 127.0.0.1/32 -p tcp -m owner --gid-owner 33 -m tcp --dport 3000 -j DROP") { Gids = ["33"] }]),
        });
        yield return ("no rule readable: the two probes are the evidence", RefusedForTheWorker() with { Firewall = new FirewallFacts("none", "neither nft nor iptables-save is installed", []) });
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("both connect: an outage that ended", RefusedForTheWorker() with { WorkerProbes = [new ProbeResult("127.0.0.1:3000", "tcp", ProbeOutcome.Connected, 0.1, "connected")] });
        yield return ("workers run as root: nothing to compare", RefusedForTheWorker() with { WorkerProbes = [] });
        yield return ("root is refused too: not a rule by user", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused) with
        {
            WorkerProbes = [new ProbeResult("127.0.0.1:3000", "tcp", ProbeOutcome.Refused, 0.1, "connection refused")],
        });
    }
}
