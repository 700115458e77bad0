using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.RequestPath;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>Every failing request nginx logged is explained by one finding, or by the unexplained-failures finding: never dropped, never twice.</summary>
public class FailureLedgerTests
{
    private const string Site = """
        upstream app { server 127.0.0.1:3000; server 127.0.0.1:3001; }
        server { listen 80;
            location / { proxy_pass http://app; }
            location /api/ { proxy_pass http://api.internal:8080; }
            location ~ \.php$ { fastcgi_pass unix:/run/php/www.sock; }
            location /loop { rewrite ^ /loop last; }
        }
        """;

    private static readonly string?[] Upstreams = ["127.0.0.1:3000", "127.0.0.1:3001", "app", "10.0.0.7:8080", "api.internal", "unix:/run/php/www.sock", "192.0.2.1:9", null];

    [Fact]
    public void Explained_plus_unexplained_is_observed_for_generated_log_mixes()
    {
        var kinds = Enum.GetValues<FailureKind>();
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var facts = FactsBuilder.FromConfig(Site).Resolve("api.internal", DnsLookup.Ok, ["10.0.0.7"]);
            var probe = random.Next(3) switch { 0 => ProbeOutcome.Refused, 1 => ProbeOutcome.Connected, _ => ProbeOutcome.TimedOut };
            facts = facts.Probe("127.0.0.1:3000", probe).Probe("127.0.0.1:3001", ProbeOutcome.Connected).Listen("127.0.0.1:3001", "node");
            var expected = 0;
            var seriousNow = false;
            for (var n = random.Next(0, 8); n > 0; n--)
            {
                var kind = kinds[random.Next(kinds.Length)];
                var upstream = Upstreams[random.Next(Upstreams.Length)];
                var count = random.Next(1, 50);
                var ago = random.NextDouble() * 14;
                var status = kind switch { FailureKind.ClientClosed => 499, FailureKind.BodyFailure or FailureKind.Unclassified => (int?)null, _ => 502 };
                if (kind == FailureKind.Nginx5xx)
                {
                    facts = UnexplainedFailuresFixtures.Unlogged(facts, 500, upstream, count, ago);
                }
                else if (kind == FailureKind.Backend5xx)
                {
                    facts = facts with { Logs = facts.Logs! with { Access = facts.Logs.Access! with { BackendErrors = [.. facts.Logs.Access.BackendErrors, Incident(kind, upstream, count, ago, 503)] } } };
                }
                else
                {
                    facts = facts.Log(kind, null, upstream, count, ago, status);
                }

                var counted = Coverage.IsRequestFailure(kind) && (kind != FailureKind.ClientClosed || (upstream?.Contains(':') ?? false));
                expected += counted ? count : 0;
                seriousNow |= counted && ago < 2 && kind is not FailureKind.ClientClosed and not FailureKind.Unclassified;
            }

            var report = DiagnosisEngine.Diagnose(facts);
            var tally = report.Failures!;
            Assert.True(tally.Observed == expected, $"seed {seed}: observed {tally.Observed}, generated {expected}");
            Assert.True(tally.Explained + tally.Unexplained == tally.Observed, $"seed {seed}: {tally}");
            Assert.True(report.Findings.Sum(f => f.Observed?.Failures ?? 0) == tally.Observed, $"seed {seed}: findings account for {report.Findings.Sum(f => f.Observed?.Failures ?? 0)} of {tally.Observed}");
            Assert.True(!seriousNow || report.Status == Status.Critical || report.Findings.Any(f => f.Observed is { Now: true } && f.Severity >= Severity.Warning),
                $"seed {seed}: failures now, status {report.Status}: {string.Join("; ", report.Findings.Select(f => f.Title))}");
        }
    }

    [Fact]
    public void A_dead_server_explains_its_refusals_and_its_groups_no_live_upstreams()
    {
        var facts = FactsBuilder.FromConfig(Site).Probe("127.0.0.1:3000", ProbeOutcome.Refused).Probe("127.0.0.1:3001", ProbeOutcome.Refused)
            .Log(FailureKind.ConnectRefused, Cause.UpstreamDown, "127.0.0.1:3000", count: 7)
            .Log(FailureKind.NoLiveUpstreams, Cause.NoLiveUpstreams, "app", count: 5);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(new FailureTally(12, 12, 0), report.Failures);
        Assert.DoesNotContain(report.Findings, f => f.Cause == Cause.UnexplainedFailures);
        // The first-ranked dead server takes its refusals and the group's "no live upstreams" its death caused.
        var down = report.Findings.First(f => f.Upstream == "127.0.0.1:3000");
        Assert.Equal(12, down.Observed!.Failures);
        Assert.True(down.Observed.Now);
    }

    [Fact]
    public void A_logged_address_is_joined_to_the_host_name_it_resolves_from()
    {
        var facts = FactsBuilder.FromConfig(Site).Resolve("api.internal", DnsLookup.Ok, ["10.0.0.7"])
            .Log(FailureKind.ReadTimeout, Cause.UpstreamTimeout, "10.0.0.7:8080", count: 4, status: 504);
        var model = PathModel.Build(facts);
        Assert.Equal("api.internal:8080", Assert.Single(model.Named("10.0.0.7:8080")).Target.Address.Text);
        Assert.True(model.Same("api.internal", "10.0.0.7:8080"));
        Assert.False(model.Same("app", "10.0.0.7:8080"));
        Assert.Equal(ServedBy.Unknown, PathModel.Build(facts with { Listeners = null }).Named("10.0.0.7:8080")[0].ServedBy);
        var listed = PathModel.Build(facts with { Listeners = [] });
        Assert.Equal(ServedBy.Remote, listed.Named("api.internal")[0].ServedBy);
        Assert.Equal(ServedBy.Nothing, listed.Named("127.0.0.1:3000")[0].ServedBy);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(0, report.Failures!.Unexplained);
    }

    [Fact]
    public void A_rewrite_cycle_answered_500_with_no_error_line_is_critical_never_ok()
    {
        var facts = UnexplainedFailuresFixtures.Unlogged(FactsBuilder.FromConfig(Site)
            .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Probe("127.0.0.1:3001", ProbeOutcome.Connected).Listen("127.0.0.1:3001", "node"), 500, null, count: 9);
        var report = DiagnosisEngine.Diagnose(facts);
        Assert.Equal(Status.Critical, report.Status);
        var f = Assert.Single(report.Findings);
        Assert.Equal(Cause.UnexplainedFailures, f.Cause);
        Assert.Contains("9 × 500 nginx answered with no error line", f.Title, StringComparison.Ordinal);
        Assert.Contains(f.Evidence, e => e.Source == "/var/log/nginx/access.log:7");
        Assert.Equal(new FailureTally(9, 0, 9), report.Failures);
    }

    [Fact]
    public void Failures_that_stopped_are_a_warning_and_499s_alone_are_information()
    {
        var old = UnexplainedFailuresFixtures.Unlogged(FactsBuilder.FromConfig(Site), 503, null, minutesAgo: 10);
        Assert.Equal(Severity.Warning, DiagnosisEngine.Diagnose(old).Findings.Single(f => f.Cause == Cause.UnexplainedFailures).Severity);
        var gaveUp = FactsBuilder.FromConfig(Site).Log(FailureKind.ClientClosed, null, "127.0.0.1:3001", count: 2, status: 499);
        var finding = DiagnosisEngine.Diagnose(gaveUp).Findings.Single(f => f.Cause == Cause.UnexplainedFailures);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal(2, finding.Observed!.Failures);
    }

    private static LogIncident Incident(FailureKind kind, string? upstream, int count, double minutesAgo, int status)
    {
        var last = FactsBuilder.Now.AddMinutes(-minutesAgo);
        return new LogIncident(kind, null, "response", status, upstream, count, last.AddMinutes(-1), last, [new LogSample("/var/log/nginx/access.log:3", "127.0.0.1 - - \"GET / HTTP/1.1\" 503")]);
    }
}
