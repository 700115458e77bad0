using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class ResolverFixtures : ICheckFixture
{
    public const string PerRequest = "server { listen 80; resolver 127.0.0.1:5353; resolver_timeout 2s; location / { set $b api.test; proxy_pass http://$b:8080; } }";

    public string CheckId => "resolver";

    public Cause Cause => Diagnosis.Cause.DnsFailure;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("resolver silent", FactsBuilder.FromConfig(PerRequest).Resolve("api.test", DnsLookup.NoAnswer, [], "127.0.0.1:5353"));
        yield return ("NXDOMAIN", FactsBuilder.FromConfig(PerRequest).Resolve("api.test", DnsLookup.NotFound, [], "127.0.0.1:5353"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("resolves", FactsBuilder.FromConfig(PerRequest).Resolve("api.test", DnsLookup.Ok, ["10.0.0.5"], "127.0.0.1:5353"));
        yield return ("the system resolver's failure is not the resolver's", FactsBuilder.FromConfig(PerRequest).Resolve("api.test", DnsLookup.NotFound, []));
    }
}

public sealed class DnsStaleFixtures : ICheckFixture
{
    public const string Named = "server { listen 80; location / { proxy_pass http://backend.test:8080; } }";

    public string CheckId => "dns-stale";

    public Cause Cause => Diagnosis.Cause.DnsStale;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("refused at the old address, logged", FactsBuilder.FromConfig(Named).Resolve("backend.test", DnsLookup.Ok, ["127.0.0.3"])
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "127.0.0.2:8080"));
        yield return ("workers connected to the old address", FactsBuilder.FromConfig(Named).Resolve("backend.test", DnsLookup.Ok, ["10.0.0.9"]) with
        {
            Connections = [new ConnectionCount("10.0.0.8:8080", 4, 0, 0, 4)],
        });
        yield return ("resolver cache: refused at the address nginx's resolver gave before", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"], "127.0.0.1:5353").Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "10.0.0.5:8080"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("logged address is current", FactsBuilder.FromConfig(Named).Resolve("backend.test", DnsLookup.Ok, ["127.0.0.2"])
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "127.0.0.2:8080"));
        yield return ("another port is another upstream", FactsBuilder.FromConfig(Named).Resolve("backend.test", DnsLookup.Ok, ["127.0.0.3"])
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "127.0.0.2:9090"));
        yield return ("time-wait only, not held by nginx", FactsBuilder.FromConfig(Named).Resolve("backend.test", DnsLookup.Ok, ["10.0.0.9"]) with
        {
            Connections = [new ConnectionCount("10.0.0.8:8080", 0, 30, 0, 0)],
        });
        yield return ("resolver cache: the logged address is what the resolver answers now", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.5"], "127.0.0.1:5353").Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "10.0.0.5:8080"));
        yield return ("resolver cache: only the system resolver answered, not nginx's", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"]).Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Diagnosis.Cause.UpstreamDown, "10.0.0.5:8080"));
    }
}

public sealed class ResolvedAddressesFixtures : ICheckFixture
{
    public const string Localhost = "server { listen 80; location / { proxy_pass http://localhost:3000; } }";

    public string CheckId => "resolved-addresses";

    public Cause Cause => Diagnosis.Cause.WrongAddress;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("localhost is ::1 too, backend on 127.0.0.1 only", FactsBuilder.FromConfig(Localhost)
            .Resolve("localhost", DnsLookup.Ok, ["::1", "127.0.0.1"]).Listen("127.0.0.1:3000", "node"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("backend on [::] takes both", FactsBuilder.FromConfig(Localhost).Resolve("localhost", DnsLookup.Ok, ["::1", "127.0.0.1"]).Listen("[::]:3000", "node"));
        yield return ("one address", FactsBuilder.FromConfig(Localhost).Resolve("localhost", DnsLookup.Ok, ["127.0.0.1"]).Listen("127.0.0.1:3000", "node"));
        yield return ("nothing listens at all is upstream-down's", FactsBuilder.FromConfig(Localhost).Resolve("localhost", DnsLookup.Ok, ["::1", "127.0.0.1"]));
    }
}
