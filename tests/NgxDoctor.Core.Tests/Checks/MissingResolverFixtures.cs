using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class MissingResolverFixtures : ICheckFixture
{
    public string CheckId => "missing-resolver";

    public Cause Cause => Diagnosis.Cause.DnsFailure;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("hostname in a variable", FactsBuilder.FromConfig("server { location / { set $b \"api.internal.test\"; proxy_pass http://$b:8080; } }"));
        yield return ("url in a variable set in the server", FactsBuilder.FromConfig("server { set $u \"http://svc.test\"; location /x/ { proxy_pass $u; } }"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("with a resolver", FactsBuilder.FromConfig("resolver 127.0.0.53; server { location / { set $b \"api.internal.test\"; proxy_pass http://$b:8080; } }"));
        yield return ("an IP address", FactsBuilder.FromConfig("server { location / { set $b \"127.0.0.1\"; proxy_pass http://$b:8080; } }"));
        yield return ("an upstream group's name", FactsBuilder.FromConfig("upstream pool { server 127.0.0.1:1; } server { location / { set $b \"pool\"; proxy_pass http://$b; } }"));
        yield return ("a value only known per request", FactsBuilder.FromConfig("server { location / { proxy_pass http://$host:8080; } }"));
        yield return ("no variables at all", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite));
    }
}
