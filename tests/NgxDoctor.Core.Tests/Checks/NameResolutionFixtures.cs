using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class NameResolutionFixtures : ICheckFixture
{
    private const string Site = "server { location / { proxy_pass http://app.internal.test:8080; } }";

    public string CheckId => "name-resolution";

    public Cause Cause => Diagnosis.Cause.DnsFailure;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("running nginx, name gone", FactsBuilder.FromConfig(Site).Probe("app.internal.test:8080", ProbeOutcome.DnsFailure, "name does not resolve"));
        yield return ("nginx not running", FactsBuilder.FromConfig(Site).Probe("app.internal.test:8080", ProbeOutcome.DnsFailure, "name does not resolve") with { Instance = null });
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("resolves", FactsBuilder.FromConfig(Site).Probe("app.internal.test:8080", ProbeOutcome.Connected));
        yield return ("nginx -t already reports it", FactsBuilder.FromConfig(Site).Probe("app.internal.test:8080", ProbeOutcome.DnsFailure)
            .ConfigTestFails("nginx: [emerg] host not found in upstream \"app.internal.test:8080\" in /etc/nginx/nginx.conf:4"));
    }
}
