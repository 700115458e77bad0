using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class KeepaliveRaceFixtures : ICheckFixture
{
    public const string Group = "upstream app { server 127.0.0.1:3000; keepalive 8; } server { listen 80; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }";

    public string CheckId => "keepalive-race";

    public Cause Cause => Diagnosis.Cause.UpstreamCrash;

    public static DiagnosisFacts Measured(double? closedMs, string body = Group) => FactsBuilder.FromConfig(body)
        .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
        .Log(Logs.FailureKind.PrematureClose, Diagnosis.Cause.UpstreamCrash, "127.0.0.1:3000") with
    {
        IdleCloses = [new IdleCloseResult("127.0.0.1:3000", closedMs, closedMs ?? 10_000, closedMs is null ? "kept open" : "closed the idle keep-alive connection")],
    };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("Node's 5 s against nginx's default 60 s", Measured(5_000));
        yield return ("gunicorn's 2 s against keepalive_timeout 4s", Measured(2_000, Group.Replace("keepalive 8;", "keepalive 8; keepalive_timeout 4s;", StringComparison.Ordinal)));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("the backend keeps them longer than nginx", Measured(5_000, Group.Replace("keepalive 8;", "keepalive 8; keepalive_timeout 3s;", StringComparison.Ordinal)));
        yield return ("kept open for the whole wait", Measured(null));
        yield return ("no keepalive in the group", Measured(5_000, Group.Replace(" keepalive 8;", "", StringComparison.Ordinal)));
    }
}
