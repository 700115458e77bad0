using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>Each fixer plans from evidence: with it, the edit or command; without it, no fix and why.</summary>
public class FixPlannerTests
{
    private const string Slow = "server { listen 80; server_name a.test; location /api/ { proxy_pass http://127.0.0.1:3000; proxy_read_timeout 1s; } }";

    private static FixAction Only(DiagnosisFacts facts, string body, Cause cause)
    {
        var plan = FixPlanner.Plan(DiagnosisEngine.Diagnose(facts), facts, FactsBuilder.Config(body), cause);
        return Assert.Single(plan.Actions);
    }

    private static HttpProbeResult Http(int headerBytes, double firstByteMs) =>
        new("127.0.0.1:3000", "GET / HTTP/1.0", HttpProbeResult.Ok, 200, headerBytes, 0.2, firstByteMs, "HTTP 200");

    [Fact]
    public void A_timeout_is_raised_to_the_probed_latency_with_a_margin_where_the_location_sets_it()
    {
        var facts = FactsBuilder.FromConfig(Slow).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", status: 504) with
        {
            HttpProbes = [Http(200, 3000)],
        };
        var a = Only(facts, Slow, Cause.UpstreamTimeout);
        var edit = Assert.Single(a.Edits);
        Assert.Equal((PlannedEdit.Set, "proxy_read_timeout", "5s"), (edit.Kind, edit.Directive, edit.Args));
        Assert.Equal(new VerifyRequest("a.test", 80, "/") { Origin = "the logged request" }, a.Verify);
    }

    [Fact]
    public void A_resolver_cache_holding_an_old_address_is_reloaded_only_when_the_new_address_accepts()
    {
        var stale = FactsBuilder.FromConfig(ResolverFixtures.PerRequest).Resolve("api.test", DnsLookup.Ok, ["10.0.0.6"], "127.0.0.1:5353")
            .Log(NgxDoctor.Core.Logs.FailureKind.ConnectRefused, Cause.UpstreamDown, "10.0.0.5:8080");
        var reload = Only(stale.Probe("10.0.0.6:8080", ProbeOutcome.Connected), ResolverFixtures.PerRequest, Cause.DnsStale);
        Assert.True(reload.Safe && reload.ReloadNginx, reload.Summary);

        var refused = Only(stale.Probe("10.0.0.6:8080", ProbeOutcome.Refused), ResolverFixtures.PerRequest, Cause.DnsStale);
        Assert.False(refused.Safe);
        Assert.Contains("does not accept connections now", refused.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_observed_latency_there_is_no_timeout_fix()
    {
        var facts = FactsBuilder.FromConfig(Slow).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Log(NgxDoctor.Core.Logs.FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", status: 504);
        var a = Only(facts, Slow, Cause.UpstreamTimeout);
        Assert.False(a.Safe);
        Assert.Contains("no latency was observed", a.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_big_header_sets_the_buffer_to_it_and_a_quarter_more_in_pages_and_the_buffers_to_match()
    {
        const string body = "server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } }";
        var facts = FactsBuilder.FromConfig(body).Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node") with { HttpProbes = [Http(10_306, 2)] };
        var a = Only(facts, body, Cause.HeaderTooBig);
        Assert.Equal(["proxy_buffer_size 16k", "proxy_buffers 8 16k"], a.Edits.Select(e => $"{e.Directive} {e.Args}"));
        Assert.All(a.Edits, e => Assert.Equal(PlannedEdit.Insert, e.Kind));
    }

    [Theory]
    [InlineData(9_000, "fastcgi_buffer_size 12k")]
    [InlineData(300, null)]
    public void A_replayed_fastcgi_header_sets_the_buffer_of_the_location_it_reached_only_when_it_overflows(int headerBytes, string? edit)
    {
        const string body = "server { listen 80; location / { fastcgi_pass unix:/run/php.sock; } location /app/ { fastcgi_pass unix:/run/php.sock; } }";
        var facts = FactsBuilder.FromConfig(body).Probe("unix:/run/php.sock", ProbeOutcome.Connected).Log(FailureKind.HeaderTooBig, Cause.HeaderTooBig, "unix:/run/php.sock");
        var app = facts.Inventory.Targets.Single().Sites.Single(s => s.Location == "/app/");
        facts = facts with
        {
            FastCgiReplays = [new FastCgiProbeResult("unix:/run/php.sock", "GET /app/", FastCgiProbeResult.Ok, 200, 2, $"status 200, a {headerBytes}-byte header", null) { HeaderBytes = headerBytes, Location = app.LocationPos }],
        };
        var a = Only(facts, body, Cause.HeaderTooBig);
        if (edit is null)
        {
            Assert.Empty(a.Edits);
            Assert.Contains("the header of the replayed GET /app/ (300 bytes) fits fastcgi_buffer_size 4k", a.Summary, StringComparison.Ordinal);
            return;
        }

        Assert.Equal([edit, "fastcgi_buffers 8 12k"], a.Edits.Select(e => $"{e.Directive} {e.Args}"));
        Assert.All(a.Edits, e => Assert.Equal(app.LocationPos, e.At));
    }

    [Fact]
    public void A_wrong_address_is_repointed_only_to_the_one_candidate_of_the_strongest_evidence()
    {
        const string body = "upstream app { server 127.0.0.1:3000 max_fails=2; } server { listen 80; location / { proxy_pass http://app; } }";
        var one = FactsBuilder.FromConfig(body).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused").Listen("[::1]:3000", "node").Listen("127.0.0.1:3001", "node", pid: 502);
        var edit = Assert.Single(Only(one, body, Cause.WrongAddress).Edits);
        Assert.Equal(("server", "[::1]:3000 max_fails=2"), (edit.Directive, edit.Args));
        var two = one.Listen("127.0.0.2:3000", "node", pid: 501);
        Assert.Contains("2 backends could be the one on the same evidence", Only(two, body, Cause.WrongAddress).Summary, StringComparison.Ordinal);
        var squatter = FactsBuilder.FromConfig(body).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused") with
        {
            Listeners = [new Listener("tcp6", "::1", 3000, null, 1, [new ProcessInfo(900, "python3", "python3 -m http.server", 1001, 1)])],
        };
        Assert.Contains("runs as uid 1001, a login user's account", Only(squatter, body, Cause.WrongAddress).Summary, StringComparison.Ordinal);
        var unseen = squatter with { Listeners = [new Listener("tcp6", "::1", 3000, null, 1, [])] };
        Assert.Contains("is not known (run as root to see)", Only(unseen, body, Cause.WrongAddress).Summary, StringComparison.Ordinal);
        var guess = FactsBuilder.FromConfig(body).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused").Listen("127.0.0.1:3700", "python3");
        Assert.DoesNotContain(DiagnosisEngine.Diagnose(guess).Findings, f => f.Cause == Cause.WrongAddress);
        Assert.Contains(DiagnosisEngine.Diagnose(guess).Findings, f => f.Cause == Cause.UpstreamDown);
    }

    [Fact]
    public void A_dead_backend_is_started_only_when_its_service_is_known()
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", ProbeOutcome.Refused, "connection refused");
        Assert.Contains("does not guess a command line", Only(facts, UpstreamDownFixtures.NodeSite, Cause.UpstreamDown).Summary, StringComparison.Ordinal);
        var known = facts with { Services = [new KnownService("127.0.0.1:3000", "php8.2-fpm", "/etc/php/8.2/fpm/php-fpm.conf")] };
        var a = Only(known, UpstreamDownFixtures.NodeSite, Cause.UpstreamDown);
        Assert.Equal("php8.2-fpm", a.StartUnit);
        Assert.Equal(["systemctl start php8.2-fpm"], a.Commands);

        // Without systemd (sysvinit's `service`, containers, WSL): the command that works there, journaled with its manager.
        var sysv = facts with { Services = [new KnownService("127.0.0.1:3000", "php8.2-fpm", "/etc/php/8.2/fpm/php-fpm.conf") { Manager = ServiceManager.SysVinit }] };
        var b = Only(sysv, UpstreamDownFixtures.NodeSite, Cause.UpstreamDown);
        Assert.Equal(["service php8.2-fpm start"], b.Commands);
        Assert.Equal((ServiceManager.SysVinit, "php8.2-fpm"), ServiceCommands.Parse(b.StartUnit!));

        // A service that refuses its configuration is not started again: the same refusal would follow.
        var refused = facts with { Services = [new KnownService("127.0.0.1:3000", "php8.2-fpm", "/etc/php/8.2/fpm/php-fpm.conf")
        {
            Manager = ServiceManager.SysVinit,
            Refusal = [new LogQuote("/var/log/php8.2-fpm.log", "[07-Dec-2026 10:00:00] ALERT: [pool www] pm.min_spare_servers(1) and pm.max_spare_servers(3) cannot be greater than pm.max_children(1)")],
        }] };
        Assert.Contains("refuses its configuration", Only(refused, UpstreamDownFixtures.NodeSite, Cause.UpstreamDown).Summary, StringComparison.Ordinal);
        var finding = DiagnosisEngine.Diagnose(refused).Findings.Single(f => f.Cause == Cause.UpstreamDown);
        Assert.Equal("php8.2-fpm is not running: it refuses its configuration (ALERT: [pool www] pm.min_spare_servers(1) and pm.max_spare_servers(3) cannot be greater than pm.max_children(1))", finding.Title);
        Assert.Contains("`service php8.2-fpm start`", finding.Remedy.Summary, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Log && e.Source == "/var/log/php8.2-fpm.log");
    }

    [Fact]
    public void A_remedy_names_the_start_command_of_this_boxs_service_manager()
    {
        var facts = FactsBuilder.FromConfig("server { listen 80; location / { fastcgi_pass unix:/run/php/php8.2-fpm.sock; } }").Probe("unix:/run/php/php8.2-fpm.sock", ProbeOutcome.NotFound, "no such file");
        string Remedy(ServiceManager m) => DiagnosisEngine.Diagnose(facts with { System = new SystemFacts { ServiceManager = m } }).Findings.Single(f => f.Cause == Cause.UpstreamDown).Remedy.Summary;
        Assert.Contains("e.g. systemctl start php8.2-fpm)", Remedy(ServiceManager.Systemd), StringComparison.Ordinal);
        Assert.Contains("e.g. service php8.2-fpm start)", Remedy(ServiceManager.SysVinit), StringComparison.Ordinal);
        Assert.Contains("e.g. rc-service php8.2-fpm start)", Remedy(ServiceManager.OpenRc), StringComparison.Ordinal);
        Assert.Contains("e.g. systemctl start php8.2-fpm, or without systemd: service php8.2-fpm start)", Remedy(ServiceManager.Unknown), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fixer_is_found_and_causes_without_one_keep_their_remedy()
    {
        // Which causes have a fixer comes from the fixers (docs/fix.md must agree: VocabularyAgreementTests).
        var fixers = FixPlanner.All.Select(f => f.Cause).ToList();
        Assert.NotEmpty(fixers);
        Assert.Equal(fixers.Count, fixers.Distinct().Count());
        Assert.Equal(typeof(FixPlanner).Assembly.GetTypes().Count(t => t is { IsClass: true, IsAbstract: false } && typeof(IFixer).IsAssignableFrom(t)), fixers.Count);
        Assert.DoesNotContain(Cause.BackendError, fixers);
        var bad = Checks.HttpProbeFixtures.With(HttpProbeResult.NotHttp, 20);
        Assert.Contains("only a backend that needs SNI has a configuration fix", Only(bad, "server { listen 80; location / { proxy_pass http://127.0.0.1:3000;  } }", Cause.BadResponse).Summary, StringComparison.Ordinal);
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Log(NgxDoctor.Core.Logs.FailureKind.PrematureClose, Cause.UpstreamCrash, "127.0.0.1:3000");
        Assert.Contains("only a keepalive race has a configuration fix", Only(facts, UpstreamDownFixtures.NodeSite, Cause.UpstreamCrash).Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keepalive_race_sets_the_group_s_keepalive_timeout_a_second_under_the_backend_s()
    {
        var edit = Assert.Single(Only(Checks.KeepaliveRaceFixtures.Measured(5_000), Checks.KeepaliveRaceFixtures.Group, Cause.UpstreamCrash).Edits);
        Assert.Equal((PlannedEdit.Insert, "keepalive_timeout", "4s"), (edit.Kind, edit.Directive, edit.Args));
    }

    [Fact]
    public void The_query_kept_for_replay_is_never_printed()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new VerifyRequest("shop.test", 80, "/checkout") { Query = "?session=s3cr3t", Origin = "the logged request, without its query" });
        Assert.DoesNotContain("s3cr3t", json, StringComparison.Ordinal);
        Assert.Contains("/checkout", json, StringComparison.Ordinal);
    }
}
