using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class FastCgiProbeFixtures : ICheckFixture
{
    public string CheckId => "fastcgi-probe";

    public Cause Cause => Diagnosis.Cause.PoolExhausted;

    private static readonly FpmInstance Fpm = new(1, "/etc/php/8.2/fpm/php-fpm.conf",
        [new NgxDoctor.Config.PhpFpm.FpmPool("www", new Dictionary<string, NgxDoctor.Config.PhpFpm.FpmSetting>
        {
            ["listen"] = new("/run/php/php8.2-fpm.sock", new("/etc/php/8.2/fpm/pool.d/www.conf", 4)),
            ["pm.max_children"] = new("5", new("/etc/php/8.2/fpm/pool.d/www.conf", 9)),
        }, new("/etc/php/8.2/fpm/pool.d/www.conf", 1))], "/var/log/php8.2-fpm.log", null);

    public static DiagnosisFacts With(string outcome, FpmStatus? status, bool knownPool = true) =>
        FactsBuilder.FromConfig(UpstreamDownFixtures.PhpSite).Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.Connected) with
        {
            PhpFpm = knownPool ? [Fpm] : [],
            FastCgiProbes = [new FastCgiProbeResult("unix:/run/php/php8.2-fpm.sock", "/status?json", outcome, outcome == FastCgiProbeResult.Ok ? 200 : null, 2.0, "detail", status)],
        };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("no child answers", With(FastCgiProbeResult.NoResponse, null));
        yield return ("queue and no idle", With(FastCgiProbeResult.Ok, new FpmStatus("www", 3, 511, 0, 5, 5, 1, 0)));
        yield return ("saturated in the past", With(FastCgiProbeResult.Ok, new FpmStatus("www", 0, 511, 2, 1, 3, 4, 0)));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a pool with room", With(FastCgiProbeResult.Ok, new FpmStatus("www", 0, 511, 2, 1, 3, 0, 0)));
        yield return ("a minimal request answered", With(FastCgiProbeResult.Ok, null));
        yield return ("an unknown FastCGI server that is slow to answer", With(FastCgiProbeResult.NoResponse, null, knownPool: false));
    }
}
