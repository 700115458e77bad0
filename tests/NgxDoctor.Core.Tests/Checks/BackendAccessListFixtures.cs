using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class BackendAccessListFixtures : ICheckFixture
{
    public const string TcpPhp = "server { listen 80; location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; } }";

    public string CheckId => "backend-access-list";

    public Cause Cause => Diagnosis.Cause.SocketPermission;

    public static DiagnosisFacts Pool(string allowed, string body = TcpPhp, string listen = "127.0.0.1:9000") => FactsBuilder.FromConfig(body)
        .Probe(listen, ProbeOutcome.Connected).Listen(listen, "php-fpm8.3").FpmPool("www", listen, allowed)
        .Log(Logs.FailureKind.PrematureClose, Diagnosis.Cause.UpstreamCrash, listen);

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("only another address is allowed", Pool("127.0.0.2"));
        yield return ("a list of others", Pool("10.0.0.1, 10.0.0.2"));
        yield return ("an IPv6 upstream and an IPv4-only list", Pool("127.0.0.1", "server { location / { fastcgi_pass [::1]:9000; } }", "[::1]:9000"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("nginx's address is listed", Pool("127.0.0.1"));
        yield return ("listed among others, with spaces", Pool("10.0.0.1, 127.0.0.1"));
        yield return ("listed as an IPv4-mapped address", Pool("::ffff:127.0.0.1"));
        yield return ("no list: any client", FactsBuilder.FromConfig(TcpPhp).Probe("127.0.0.1:9000", ProbeOutcome.Connected).Listen("127.0.0.1:9000", "php-fpm8.3").FpmPool("www", "127.0.0.1:9000"));
        yield return ("a unix socket: the list does not apply", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.Connected)
            .Listen("unix:/run/php/php8.2-fpm.sock", "php-fpm8.2").FpmPool("www", "/run/php/php8.2-fpm.sock", "127.0.0.2"));
    }
}
