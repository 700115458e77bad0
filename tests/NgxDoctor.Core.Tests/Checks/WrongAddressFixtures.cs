using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class WrongAddressFixtures : ICheckFixture
{
    public string CheckId => Diagnosis.Cause.WrongAddress.Code();

    public Cause Cause => Diagnosis.Cause.WrongAddress;

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("node on the next port", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("127.0.0.1:3001", "node"));
        yield return ("gunicorn on a wildcard port", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("*:8000", "python3", cmdline: "/usr/bin/python3 /usr/bin/gunicorn app:app"));
        yield return ("php-fpm on a neighbouring socket", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound)
            .MissingSocket("/run/php/php8.2-fpm.sock").Listen("unix:/run/php/php8.3-fpm.sock", "php-fpm8.3"));
        yield return ("php-fpm on tcp for a socket config", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound)
            .MissingSocket("/run/php/php8.2-fpm.sock").Listen("127.0.0.1:9000", "php-fpm8.2"));
        yield return ("an unknown program near the port", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("127.0.0.1:3010", "myapp"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("nothing else runs", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused));
        yield return ("backend up", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node").Listen("127.0.0.1:3001", "node", 501));
        yield return ("the other backend is already another upstream", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite + " server { listen 81; location / { proxy_pass http://127.0.0.1:3001; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Connected).Listen("127.0.0.1:3001", "node"));
        yield return ("a .NET diagnostics socket and a java tooling socket", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused)
            .Listen("unix:/tmp/dotnet-diagnostic-1-2-socket", "dotnet").Listen("unix:/tmp/.java_pid77", "java"));
        yield return ("an unknown program far from the port", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("127.0.0.1:9999", "myapp"));
        yield return ("a remote upstream", FactsBuilder.FromConfig("server { location / { proxy_pass http://10.1.2.3:3000; } }").Probe("10.1.2.3:3000", ProbeOutcome.Refused).Listen("127.0.0.1:3001", "node"));
        yield return ("test tooling", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Listen("127.0.0.1:3005", "dotnet", cmdline: "dotnet exec testhost.dll --port 3005"));
    }
}
