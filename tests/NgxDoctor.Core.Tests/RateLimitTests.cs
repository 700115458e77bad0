using NgxDoctor.Config.Limits;
using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>nginx's own rejections (issue 26): classified from nginx's words, one finding per zone with its rate at file:line.</summary>
public sealed class RateLimitTests
{
    [Theory]
    [InlineData("2026/11/28 02:59:30 [error] 12#12: *7 limiting requests, excess: 2.500 by zone \"one\", client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", host: \"x\"", FailureKind.LimitReq, "zone \"one\"")]
    [InlineData("2026/11/28 02:59:30 [error] 12#12: *7 limiting connections by zone \"addr\", client: 127.0.0.1, server: _, request: \"GET /dl/ HTTP/1.1\", host: \"x\"", FailureKind.LimitConn, "zone \"addr\"")]
    public void Nginxs_own_rejections_are_classified_by_zone(string text, FailureKind kind, string zone)
    {
        Assert.True(ErrorLogParser.TryParse(text, out var line));
        var c = ErrorClassifier.Classify(line);
        Assert.Equal((kind, Cause.RateLimited, 503), (c!.Kind, c.Cause, c.Status));
        Assert.True(ErrorClassifier.Peer(line, out var peer));
        Assert.Equal(zone, peer.ToString());
    }

    [Theory]
    [InlineData("2026/11/28 02:59:30 [error] 12#12: *7 limiting requests, dry run, excess: 2.500 by zone \"one\", client: 127.0.0.1")]
    [InlineData("2026/11/28 02:59:30 [warn] 12#12: *7 delaying request, excess: 0.500, by zone \"one\", client: 127.0.0.1")]
    public void A_dry_run_or_a_delay_rejects_nothing(string text)
    {
        Assert.True(ErrorLogParser.TryParse(text, out var line));
        Assert.Null(ErrorClassifier.Classify(line));
    }

    [Fact]
    public void The_finding_names_the_zone_its_rate_and_burst_where_they_are_written()
    {
        var config = FactsBuilder.Config(RateLimitFixtures.Site);
        var limits = RequestLimits.Find(config);
        Assert.Equal(["one", "addr"], limits.Zones.Select(z => z.Name));
        Assert.Equal(("1r/s", "2"), (limits.Zones[0].Rate, limits.Uses[0].Burst));

        var facts = FactsBuilder.FromConfig(RateLimitFixtures.Site) with { Limits = limits };
        var finding = Assert.Single(new RateLimitCheck().Run(facts.Log(FailureKind.LimitReq, Cause.RateLimited, "zone \"one\"", count: 9, status: 503)).Findings);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains("rejected 9 request(s) with 503 under limit_req zone \"one\" (rate 1r/s, burst 2 per $binary_remote_addr)", finding.Title, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Config && e.Source == $"{FactsBuilder.ConfigFile}:4" && e.Text.Contains("rate=1r/s", StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceKind.Config && e.Text.Contains("limit_req zone=one burst=2", StringComparison.Ordinal));
        Assert.Contains("burst=N", finding.Remedy.Summary, StringComparison.Ordinal);
    }
}
