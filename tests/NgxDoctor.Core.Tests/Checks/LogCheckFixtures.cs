using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

/// <summary>Fixtures for the checks fed by the error log: each triggers on its own kinds, now and in the past, and not on its neighbours'.</summary>
public abstract class LogCheckFixture : ICheckFixture
{
    public abstract string CheckId { get; }

    public abstract Cause Cause { get; }

    protected abstract NgxDoctor.Core.Logs.FailureKind Kind { get; }

    /// <summary>A kind of another check, on the same upstream: must not trigger this one.</summary>
    protected abstract NgxDoctor.Core.Logs.FailureKind OtherKind { get; }

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
        yield return ("another kind", Base().Log(OtherKind, null, Upstream));
    }
}

public sealed class UpstreamTimeoutFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.UpstreamTimeout.Code();

    public override Cause Cause => Diagnosis.Cause.UpstreamTimeout;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.ReadTimeout;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.PrematureClose;
}

public sealed class UpstreamCrashFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.UpstreamCrash.Code();

    public override Cause Cause => Diagnosis.Cause.UpstreamCrash;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.PrematureClose;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.ReadTimeout;
}

public sealed class HeaderTooBigFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.HeaderTooBig.Code();

    public override Cause Cause => Diagnosis.Cause.HeaderTooBig;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.HeaderTooBig;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.InvalidResponse;
}

public sealed class BadResponseFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.BadResponse.Code();

    public override Cause Cause => Diagnosis.Cause.BadResponse;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.Http09;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.HeaderTooBig;
}

public sealed class NoLiveUpstreamsFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.NoLiveUpstreams.Code();

    public override Cause Cause => Diagnosis.Cause.NoLiveUpstreams;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.NoLiveUpstreams;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.ServerDisabled;

    protected override string Upstream => "grp";
}

public sealed class RuntimeDnsFailureFixtures : LogCheckFixture
{
    public override string CheckId => "dns-failure-runtime";

    public override Cause Cause => Diagnosis.Cause.DnsFailure;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.Dns;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.ConnectRefused;
}

public sealed class ResourceExhaustionFixtures : LogCheckFixture
{
    public override string CheckId => Diagnosis.Cause.ResourceExhaustion.Code();

    public override Cause Cause => Diagnosis.Cause.ResourceExhaustion;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.FdExhausted;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.BacklogFull;
}

public sealed class BacklogFullFixtures : LogCheckFixture
{
    public override string CheckId => "backlog-full";

    public override Cause Cause => Diagnosis.Cause.PoolExhausted;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.BacklogFull;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.FdExhausted;
}

public sealed class BackendErrorFixtures : ICheckFixture
{
    public string CheckId => Diagnosis.Cause.BackendError.Code();

    public Cause Cause => Diagnosis.Cause.BackendError;

    private static DiagnosisFacts WithAccess(bool attributed, params LogIncident[] backendErrors)
    {
        var f = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node");
        var access = new AccessFacts([], [], [], [], backendErrors) { Attributed = attributed };
        return f with { Logs = f.Logs! with { Access = access } };
    }

    private static LogIncident Backend502() => new(NgxDoctor.Core.Logs.FailureKind.Backend5xx, Diagnosis.Cause.BackendError, "response", 502, "127.0.0.1:3000", 4,
        FactsBuilder.Now.AddMinutes(-3), FactsBuilder.Now.AddMinutes(-1), [new LogSample("/var/log/nginx/access.log:9", "127.0.0.1 - - [28/Nov/2026:02:59:00 +0000] \"GET / HTTP/1.1\" 502 20 \"-\" \"curl\"")]);

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("backend's own 502", WithAccess(true, Backend502()));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("no backend 5xx", WithAccess(true));
        yield return ("a 5xx of another kind", WithAccess(true, Backend502() with { Kind = NgxDoctor.Core.Logs.FailureKind.Unclassified }));
    }
}

public sealed class PhpFpmSaturationFixtures : LogCheckFixture
{
    public override string CheckId => "php-fpm-saturation";

    public override Cause Cause => Diagnosis.Cause.PoolExhausted;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.FpmMaxChildren;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.FpmSlow;
}

public sealed class OomKillFixtures : ICheckFixture
{
    public string CheckId => "oom-kill";

    public Cause Cause => Diagnosis.Cause.ResourceExhaustion;

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

public sealed class HostUnreachableFixtures : LogCheckFixture
{
    public override string CheckId => "host-unreachable";

    public override Cause Cause => Diagnosis.Cause.UpstreamDown;

    protected override NgxDoctor.Core.Logs.FailureKind Kind => NgxDoctor.Core.Logs.FailureKind.Unreachable;

    protected override NgxDoctor.Core.Logs.FailureKind OtherKind => NgxDoctor.Core.Logs.FailureKind.ReadTimeout;
}

public sealed class ClientsGaveUpFixtures : ICheckFixture
{
    public string CheckId => "clients-gave-up";

    public Cause Cause => Diagnosis.Cause.UpstreamTimeout;

    private static DiagnosisFacts Base(int requests) => FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite)
        .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node") is var f
        ? f with { Logs = f.Logs! with { Access = f.Logs.Access! with
        {
            Files = [new LogScan("/var/log/nginx/access.log", "access", requests, requests, 0, 0, 0, null, null, null)],
            Upstreams = [new UpstreamTraffic("127.0.0.1:3000", requests, 0, 0, 0, 5.8, 6.0, 6.0, 6.0)],
        } } }
        : throw new InvalidOperationException();

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("most clients give up now (error log at info)", Base(12).Log(NgxDoctor.Core.Logs.FailureKind.ClientClosed, null, "127.0.0.1:3000", count: 8, status: 499));
        yield return ("they gave up a while ago", Base(12).Log(NgxDoctor.Core.Logs.FailureKind.ClientClosed, null, "127.0.0.1:3000", count: 8, minutesAgo: 10, status: 499));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a few people leaving a page", Base(1000).Log(NgxDoctor.Core.Logs.FailureKind.ClientClosed, null, "127.0.0.1:3000", count: 8, status: 499));
        yield return ("four give up", Base(4).Log(NgxDoctor.Core.Logs.FailureKind.ClientClosed, null, "127.0.0.1:3000", count: 4, status: 499));
        yield return ("no 499 at all", Base(12));
    }
}
