using NgxDoctor.Config.Limits;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class RateLimitFixtures : ICheckFixture
{
    public const string Site = """
        limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;
        limit_conn_zone $binary_remote_addr zone=addr:10m;
        server {
            listen 80;
            location / { limit_req zone=one burst=2; proxy_pass http://127.0.0.1:3000; }
            location /dl/ { limit_conn addr 1; proxy_pass http://127.0.0.1:3000; }
        }
        """;

    public string CheckId => "rate-limited";

    public Cause Cause => Diagnosis.Cause.RateLimited;

    private static DiagnosisFacts Facts(int requests) => FactsBuilder.FromConfig(Site) with
    {
        Limits = RequestLimits.Find(FactsBuilder.Config(Site)),
        Logs = FactsBuilder.FromConfig(Site).Logs! with
        {
            Access = new AccessFacts([new LogScan("/var/log/nginx/access.log", "access", requests, requests, 0, 0, 0, null, null, null)], [], [], [], []) { Attributed = true },
        },
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("limit_req rejects half the requests now", Facts(20).Log(FailureKind.LimitReq, Diagnosis.Cause.RateLimited, "zone \"one\"", count: 10, status: 503));
        yield return ("limit_conn rejected downloads a while ago", Facts(20).Log(FailureKind.LimitConn, Diagnosis.Cause.RateLimited, "zone \"addr\"", count: 4, minutesAgo: 10, status: 503));
        yield return ("limit_req rejects, no access log to compare", FactsBuilder.FromConfig(Site).Log(FailureKind.LimitReq, Diagnosis.Cause.RateLimited, "zone \"one\"", status: 503));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("limits configured, nothing rejected", Facts(20));
        yield return ("the backend's own 503s", Facts(20).Log(FailureKind.Backend5xx, Diagnosis.Cause.BackendError, "127.0.0.1:3000", status: 503));
    }
}
