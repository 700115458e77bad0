using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class SilentBackendFixtures : ICheckFixture
{
    public string CheckId => "silent-backend";

    public Cause Cause => Diagnosis.Cause.UpstreamTimeout;

    private static DiagnosisFacts Http(string outcome, string extra = "") =>
        HttpProbeFixtures.With(outcome, 0, extra) is var f ? f with { HttpProbes = [f.HttpProbes![0] with { WaitedMs = 2000 }] } : null!;

    private static DiagnosisFacts FastCgi(bool knownPool) =>
        FastCgiProbeFixtures.With(FastCgiProbeResult.NoResponse, null, knownPool: knownPool);

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("an HTTP backend silent for the probe's 2 s", Http(HttpProbeResult.NoResponse));
        yield return ("silent past proxy_read_timeout 1s", Http(HttpProbeResult.NoResponse, "proxy_read_timeout 1s;"));
        yield return ("a FastCGI server that is not a known PHP-FPM pool", FastCgi(knownPool: false));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("an answer", Http(HttpProbeResult.Ok));
        yield return ("a close without an answer (upstream-crash's)", Http(HttpProbeResult.Closed));
        yield return ("a silent known PHP-FPM pool (fastcgi-probe's pool-exhausted)", FastCgi(knownPool: true));
    }
}
