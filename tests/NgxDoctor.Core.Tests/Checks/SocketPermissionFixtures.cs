using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class SocketPermissionFixtures : ICheckFixture
{
    private const string Sock = "/run/php/php8.2-fpm.sock";

    public string CheckId => Diagnosis.Cause.SocketPermission.Code();

    public Cause Cause => Diagnosis.Cause.SocketPermission;

    private static DiagnosisFacts Php() => FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Listen("unix:" + Sock, "php-fpm8.2", 1, "php-fpm: master process");

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("root:root 0660, root connects", Php().Socket(Sock, 0, 0, 0x1b0, "root", "root").Probe("unix:" + Sock, ProbeOutcome.Connected));
        yield return ("owner only 0600", Php().Socket(Sock, 0, 33, 0x180, "root", "www-data"));
        yield return ("directory without search", Php().Socket(Sock, 33, 33, 0x1b6, "www-data", "www-data", dirMode: 0x1c0));
        yield return ("read-only for group", Php().Socket(Sock, 0, 33, 0x1a4, "root", "www-data"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("owned by the worker", Php().Socket(Sock, 33, 33, 0x1b0, "www-data", "www-data"));
        yield return ("group of the worker", Php().Socket(Sock, 0, 33, 0x1b0, "root", "www-data"));
        yield return ("world writable", Php().Socket(Sock, 0, 0, 0x1b6, "root", "root"));
        yield return ("worker is root", Php().Socket(Sock, 0, 0, 0x180, "root", "root") with { Worker = new WorkerIdentity("root", 0, 0, "root", [], "test") });
        yield return ("socket not served (upstream-down's case)", FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Socket(Sock, 0, 0, 0x180, "root", "root").Probe("unix:" + Sock, ProbeOutcome.Refused));
        yield return ("no unix upstreams", FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite));
    }
}
