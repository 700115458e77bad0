using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class UpstreamDownFixtures : ICheckFixture
{
    public const string NodeSite = "server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } }";
    public const string PhpSite = "server { listen 80; location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; } }";

    public string CheckId => Diagnosis.Cause.UpstreamDown.Code();

    public Cause Cause => Diagnosis.Cause.UpstreamDown;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("tcp refused", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused));
        yield return ("socket missing", FactsBuilder.FromConfig(PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound).MissingSocket("/run/php/php8.2-fpm.sock"));
        yield return ("socket stale", FactsBuilder.FromConfig(PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.Refused).Socket("/run/php/php8.2-fpm.sock", 33, 33, 0x1b0, "www-data", "www-data"));
        yield return ("only system daemons listen", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused)
            .Listen("127.0.0.1:5432", "postgres").Listen("*:22", "sshd").Listen("127.0.0.1:3001", "nginx"));
        yield return ("an unrelated python service 700 ports away is no reason to repoint", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused)
            .Listen("127.0.0.1:3700", "python3", cmdline: "/usr/bin/python3 -m http.server 3700"));
        yield return ("variable pass: refused where nginx's resolver points now, even with a backend on another port", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"], "127.0.0.1:5353").Probe("10.0.0.6:8080", ProbeOutcome.Refused).Listen("127.0.0.1:8081", "node"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("backend up", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node"));
        yield return ("backend on the same port of ::1 is wrong-address", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("[::1]:3000", "node"));
        yield return ("timeout is not refusal", FactsBuilder.FromConfig(NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.TimedOut));
        yield return ("server marked down", FactsBuilder.FromConfig("upstream b { server 127.0.0.1:3000 down; server 127.0.0.1:3001; } server { location / { proxy_pass http://b; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Connected).Listen("127.0.0.1:3001", "node"));
        yield return ("variable pass: accepts where nginx's resolver points now", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"], "127.0.0.1:5353").Probe("10.0.0.6:8080", ProbeOutcome.Connected));
        yield return ("variable pass: a refusal at an address only the system resolver gives is not nginx's", FactsBuilder.FromConfig(ResolverFixtures.PerRequest)
            .Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"]).Probe("10.0.0.6:8080", ProbeOutcome.Refused));
    }
}
