using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class ConnectTimeoutFixtures : ICheckFixture
{
    public string CheckId => "connect-timeout";

    public Cause Cause => Diagnosis.Cause.PoolExhausted;

    public static DiagnosisFacts Saturated() => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.TimedOut, "no answer to connect within 2 s")
        .Listen("127.0.0.1:3000", "node") is var f ? f with { Listeners = [f.Listeners![0] with { AcceptQueue = 129 }] } : f;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("accept queue full", Saturated());
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("connected", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node"));
        yield return ("an empty queue is the firewall's case", FirewallFixtures.Dropped());
        yield return ("refused is not a timeout", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused));
    }
}
