using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class ConfigErrorFixtures : ICheckFixture
{
    public string CheckId => Diagnosis.Cause.ConfigError.Code();

    public Cause Cause => Diagnosis.Cause.ConfigError;

    public static DiagnosisFacts IncludeCycle() => FactsBuilder.FromConfig("include /etc/nginx/nginx.conf;") with
    {
        ConfigTest = null,
        NotCollected = [new NotCollected(Fact.ConfigTest, "nginx -t not run: nginx follows the include cycle at x")],
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("unknown directive", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .ConfigTestFails("nginx: [emerg] unknown directive \"proxy_passs\" in /etc/nginx/sites-enabled/app:3\nnginx: configuration file /etc/nginx/nginx.conf test failed"));
        yield return ("timestamped with -e", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .ConfigTestFails("2026/11/28 03:00:00 [emerg] 77#77: invalid number of arguments in \"proxy_pass\" directive in /etc/nginx/nginx.conf:5"));
        yield return ("output without a known line", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).ConfigTestFails("Segmentation fault"));
        yield return ("nginx crashes on an include cycle", FactsBuilder.FromConfig("include /etc/nginx/nginx.conf;") with
        {
            ConfigTest = new ConfigTestResult("nginx -t", 139, ""),
        });
        yield return ("an include cycle, nginx -t not run", IncludeCycle());
        yield return ("missing include without a binary", FactsBuilder.FromConfig("include /nonexistent/site.conf;") with { ConfigTest = null });
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("nginx -t passes", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite));
        yield return ("only DNS", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
            .ConfigTestFails("nginx: [emerg] host not found in upstream \"backend.invalid\" in /etc/nginx/nginx.conf:5"));
    }
}
