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
        var node = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused);
        var php = FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound).MissingSocket("/run/php/php8.2-fpm.sock");
        yield return ("node on the same port of ::1 (localhost resolved to IPv6)", node.Listen("[::1]:3000", "node"));
        yield return ("the same port on another loopback address", node.Listen("127.0.0.2:3000", "gunicorn"));
        yield return ("an IPv6 upstream, the backend on IPv4 only", FactsBuilder.FromConfig("server { location / { proxy_pass http://[::1]:3000; } }").Probe("[::1]:3000", ProbeOutcome.Refused).Listen("*:3000", "node"));
        yield return ("the same port, owner unseen (not root)", node.Listen("[::1]:3000", "node") with { Listeners = [new Listener("tcp6", "::1", 3000, null, 1, [])] });
        yield return ("the php-fpm pool's own config on a neighbouring socket", php.Listen("unix:/run/php/php8.3-fpm.sock", "php-fpm8.3").FpmPool("www", "/run/php/php8.3-fpm.sock"));
        yield return ("the php-fpm pool on tcp for a socket config", php.Listen("127.0.0.1:9000", "php-fpm8.2").FpmPool("www", "127.0.0.1:9000"));
        yield return ("a socket on nginx's path in another mount namespace (PrivateTmp)", FactsBuilder.FromConfig("server { location / { proxy_pass http://unix:/tmp/app.sock; } }")
            .Probe("unix:/tmp/app.sock", ProbeOutcome.NotFound).MissingSocket("/tmp/app.sock") with { Listeners = [new Listener("unix", null, null, "/tmp/app.sock", 9, [])] });
        yield return ("a socket of the same name in another directory", FactsBuilder.FromConfig("server { location / { proxy_pass http://unix:/tmp/app.sock; } }")
            .Probe("unix:/tmp/app.sock", ProbeOutcome.NotFound).MissingSocket("/tmp/app.sock").Listen("unix:/run/app/app.sock", "gunicorn"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        var node = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused);
        yield return ("nothing else runs", node);
        yield return ("an unrelated python service 700 ports away", node.Listen("127.0.0.1:3700", "python3", cmdline: "/usr/bin/python3 -m http.server 3700"));
        yield return ("node on the next port: a guess, not evidence", node.Listen("127.0.0.1:3001", "node"));
        yield return ("a php-fpm socket next door without a pool that says so", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound)
            .MissingSocket("/run/php/php8.2-fpm.sock").Listen("unix:/run/php/php8.3-fpm.sock", "php-fpm8.3"));
        yield return ("the pool nginx names is configured but not listening: down, not elsewhere", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite)
            .Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound).MissingSocket("/run/php/php8.2-fpm.sock")
            .Listen("unix:/run/php/other.sock", "php-fpm8.2").FpmPool("www", "/run/php/php8.2-fpm.sock").FpmPool("other", "/run/php/other.sock"));
        yield return ("backend up", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node").Listen("[::1]:3000", "node", 501));
        yield return ("the same port is already another upstream", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite + " server { listen 81; location / { proxy_pass http://[::1]:3000; } }")
            .Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("[::1]:3000", ProbeOutcome.Connected).Listen("[::1]:3000", "node"));
        yield return ("the socket file is there (stale): not hidden", FactsBuilder.FromConfig("server { location / { proxy_pass http://unix:/tmp/app.sock; } }")
            .Probe("unix:/tmp/app.sock", ProbeOutcome.Refused).Socket("/tmp/app.sock", 0, 0, 0x1b6, "root", "root") with { Listeners = [] });
        yield return ("a .NET diagnostics socket and a java tooling socket", node.Listen("unix:/tmp/dotnet-diagnostic-1-2-socket", "dotnet").Listen("unix:/tmp/.java_pid77", "java"));
        yield return ("a remote upstream", FactsBuilder.FromConfig("server { location / { proxy_pass http://10.1.2.3:3000; } }").Probe("10.1.2.3:3000", ProbeOutcome.Refused).Listen("127.0.0.1:3000", "node"));
        yield return ("a system daemon on the same port", node.Listen("127.0.0.53:3000", "systemd-resolved"));
    }
}
