using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class WorkerLimitsFixtures : ICheckFixture
{
    public string CheckId => "worker-limits";

    public Cause Cause => Diagnosis.Cause.ResourceExhaustion;

    private static DiagnosisFacts With(long limit, int open, string events = "") =>
        FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite, events) is var f
            ? f with { Instance = f.Instance! with { WorkerOpenFilesLimit = limit, WorkerOpenFiles = open } }
            : f;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("worker_connections over the limit", With(256, 10, "worker_connections 1024;"));
        yield return ("default worker_connections over a tiny limit", With(100, 10));
        yield return ("descriptors nearly used up", With(65536, 65000, "worker_connections 1024;"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("room to spare", With(65536, 20, "worker_connections 1024;"));
        yield return ("Debian's defaults", With(1024, 8, "worker_connections 768;"));
    }
}
