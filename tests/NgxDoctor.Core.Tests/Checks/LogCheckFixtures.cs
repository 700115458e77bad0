using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

/// <summary>Fixtures for the checks fed by the error log: each triggers on its own kinds, now and in the past, and not on its neighbours'.</summary>
public abstract class LogCheckFixture : ICheckFixture
{
    public abstract string CheckId { get; }

    public abstract string Cause { get; }

    protected abstract string Kind { get; }

    /// <summary>A kind of another check, on the same upstream: must not trigger this one.</summary>
    protected abstract string OtherKind { get; }

    protected virtual string Upstream => "127.0.0.1:3000";

    protected static DiagnosisFacts Base() => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite + " upstream grp { server 127.0.0.1:3000; } server { listen 81; location / { proxy_pass http://grp; } }")
        .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node");

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("now", Base().Log(Kind, Cause, Upstream));
        yield return ("in the past", Base().Log(Kind, Cause, Upstream, minutesAgo: 10));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("no log entries", Base());
        yield return ("another kind", Base().Log(OtherKind, "other", Upstream));
    }
}

public sealed class UpstreamTimeoutFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.UpstreamTimeout;

    public override string Cause => Diagnosis.Cause.UpstreamTimeout;

    protected override string Kind => "read-timeout";

    protected override string OtherKind => "premature-close";
}

public sealed class UpstreamCrashFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.UpstreamCrash;

    public override string Cause => Diagnosis.Cause.UpstreamCrash;

    protected override string Kind => "premature-close";

    protected override string OtherKind => "read-timeout";
}

public sealed class HeaderTooBigFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.HeaderTooBig;

    public override string Cause => Diagnosis.Cause.HeaderTooBig;

    protected override string Kind => "header-too-big";

    protected override string OtherKind => "invalid-response";
}

public sealed class BadResponseFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.BadResponse;

    public override string Cause => Diagnosis.Cause.BadResponse;

    protected override string Kind => "http09";

    protected override string OtherKind => "header-too-big";
}

public sealed class NoLiveUpstreamsFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.NoLiveUpstreams;

    public override string Cause => Diagnosis.Cause.NoLiveUpstreams;

    protected override string Kind => "no-live-upstreams";

    protected override string OtherKind => "server-disabled";

    protected override string Upstream => "grp";
}

public sealed class RuntimeDnsFailureFixtures : LogCheckFixture
{
    public override string CheckId => "dns-failure-runtime";

    public override string Cause => Diagnosis.Cause.DnsFailure;

    protected override string Kind => "dns";

    protected override string OtherKind => "connect-refused";
}

public sealed class ResourceExhaustionFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.ResourceExhaustion;

    public override string Cause => Diagnosis.Cause.ResourceExhaustion;

    protected override string Kind => "fd-exhausted";

    protected override string OtherKind => "backlog-full";
}

public sealed class BacklogFullFixtures : LogCheckFixture
{
    public override string CheckId => "backlog-full";

    public override string Cause => Diagnosis.Cause.PoolExhausted;

    protected override string Kind => "backlog-full";

    protected override string OtherKind => "fd-exhausted";
}

public sealed class BackendErrorFixtures : ICheckFixture
{
    public string CheckId => Diagnosis.Cause.BackendError;

    public string Cause => Diagnosis.Cause.BackendError;

    private static DiagnosisFacts WithAccess(bool attributed, params LogIncident[] backendErrors)
    {
        var f = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node");
        var access = new AccessFacts([], [], [], [], backendErrors) { Attributed = attributed };
        return f with { Logs = f.Logs! with { Access = access } };
    }

    private static LogIncident Backend502() => new("backend-5xx", Diagnosis.Cause.BackendError, "response", 502, "127.0.0.1:3000", 4,
        FactsBuilder.Now.AddMinutes(-3), FactsBuilder.Now.AddMinutes(-1), [new LogSample("/var/log/nginx/access.log:9", "127.0.0.1 - - [28/Nov/2026:02:59:00 +0000] \"GET / HTTP/1.1\" 502 20 \"-\" \"curl\"")]);

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("backend's own 502", WithAccess(true, Backend502()));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("no backend 5xx", WithAccess(true));
        yield return ("a 5xx of another kind", WithAccess(true, Backend502() with { Kind = "other" }));
    }
}

public sealed class PhpFpmSaturationFixtures : LogCheckFixture
{
    public override string CheckId => "php-fpm-saturation";

    public override string Cause => Diagnosis.Cause.PoolExhausted;

    protected override string Kind => "fpm-max-children";

    protected override string OtherKind => "fpm-slow";
}

public sealed class OomKillFixtures : ICheckFixture
{
    public string CheckId => "oom-kill";

    public string Cause => Diagnosis.Cause.ResourceExhaustion;

    public static DiagnosisFacts WithKills(params NgxDoctor.Core.Logs.OomKill[] kills) => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite) with { OomKills = kills };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("php-fpm killed", WithKills(new NgxDoctor.Core.Logs.OomKill(FactsBuilder.Now.AddMinutes(-1), 4242, "php-fpm8.2", "2026-11-28T02:59:00,000000+00:00 Out of memory: Killed process 4242 (php-fpm8.2) total-vm:512000kB")));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("no kills", WithKills());
    }
}
