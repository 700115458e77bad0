using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class EphemeralPortsFixtures : ICheckFixture
{
    public string CheckId => "ephemeral-ports";

    public Cause Cause => Diagnosis.Cause.ResourceExhaustion;

    private static DiagnosisFacts With(int timeWait) => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite) with
    {
        Connections = [new ConnectionCount("127.0.0.1:3000", 10, timeWait, 0, 10)],
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("27,000 TIME_WAIT of 28,232 ports", With(27_000));
        yield return ("half the range", With(15_000));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a few hundred", With(300));
        yield return ("busy, but another address", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite) with { Connections = [new ConnectionCount("127.0.0.1:3001", 0, 27_000, 0, 0)] });
    }
}

public sealed class MemoryFixtures : ICheckFixture
{
    public string CheckId => "memory";

    public Cause Cause => Diagnosis.Cause.ResourceExhaustion;

    private static DiagnosisFacts With(long availableKb) => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite) is var f
        ? f with { System = f.System! with { MemAvailableKb = availableKb } } : f;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("2% available", With(160_000));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("half available", With(4_000_000));
        yield return ("6% available", With(480_000));
    }
}

public sealed class AcceptQueueFixtures : ICheckFixture
{
    public string CheckId => "accept-queue";

    public Cause Cause => Diagnosis.Cause.PoolExhausted;

    private static DiagnosisFacts With(int queue, int backlog) =>
        FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "gunicorn") is var f
            ? f with { Listeners = [f.Listeners![0] with { AcceptQueue = queue, Backlog = backlog }] } : f;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("3,000 of 4,096 waiting", With(3000, 4096));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a few waiting", With(3, 4096));
        yield return ("backlog unknown", With(3, 0));
    }
}
