using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests.Checks;

/// <summary>Failing requests no other check explains, run alone (it then sees no other finding): anything nginx logged as failed triggers it.</summary>
public sealed class UnexplainedFailuresFixtures : ICheckFixture
{
    public const string Site = """
        server {
            listen 80;
            location /loop { rewrite ^ /loop last; }
            location / { proxy_pass http://127.0.0.1:3000; }
        }
        """;

    public string CheckId => "unexplained-failures";

    public Cause Cause => Diagnosis.Cause.UnexplainedFailures;

    public static DiagnosisFacts Base() => FactsBuilder.FromConfig(Site);

    /// <summary>Access-log 5xx that nginx answered with no error line for the request (e.g. a rewrite cycle's 500).</summary>
    public static DiagnosisFacts Unlogged(DiagnosisFacts f, int status, string? upstream, int count = 4, double minutesAgo = 0.2)
    {
        var last = FactsBuilder.Now.AddMinutes(-minutesAgo);
        var line = $"127.0.0.1 - - [{last:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /loop HTTP/1.1\" {status} 0 \"-\" \"curl/8\"";
        var incident = new LogIncident(FailureKind.Nginx5xx, null, "response", status, upstream, count, last.AddMinutes(-1), last, [new LogSample("/var/log/nginx/access.log:7", line)]);
        return f with { Logs = f.Logs! with { Access = f.Logs.Access! with { Unlogged = [.. f.Logs.Access.Unlogged, incident] } } };
    }

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("a rewrite cycle's 500s with no error line", Unlogged(Base(), 500, null));
        yield return ("an error line no check knows, at an upstream", Base().Log(FailureKind.Unclassified, null, "127.0.0.1:3000", status: null));
        yield return ("a few clients gave up (499), below the clients-gave-up threshold", Base().Log(FailureKind.ClientClosed, null, "127.0.0.1:3000", count: 2, status: 499));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("no failing request", Base());
        yield return ("PHP-FPM's own warnings and a disabled server: no request failed", Base()
            .Log(FailureKind.FpmMaxChildren, Diagnosis.Cause.PoolExhausted, "unix:/run/php/www.sock", status: null)
            .Log(FailureKind.ServerDisabled, Diagnosis.Cause.NoLiveUpstreams, "127.0.0.1:3000", status: null));
    }
}
