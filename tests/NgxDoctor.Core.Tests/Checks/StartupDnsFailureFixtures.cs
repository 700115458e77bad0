using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class StartupDnsFailureFixtures : ICheckFixture
{
    public string CheckId => "dns-failure-startup";

    public Cause Cause => Diagnosis.Cause.DnsFailure;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("host not found", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .ConfigTestFails("nginx: [emerg] host not found in upstream \"backend.invalid\" in /etc/nginx/nginx.conf:5\nnginx: configuration file /etc/nginx/nginx.conf test failed"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("passes", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite));
        yield return ("other error", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).ConfigTestFails("nginx: [emerg] unknown directive \"x\" in /etc/nginx/nginx.conf:2"));
    }
}
