using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Watch;

namespace NgxDoctor.Core.Tests;

/// <summary>The access log's share of 5xx starts incidents too; the live view's counts stay bounded and right per second.</summary>
public sealed class WatchRateTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 22, 0, 0);

    private static RequestEvent Req(double seconds, int status, string upstream = "127.0.0.1:3000", double? took = 0.02) => new(T0.AddSeconds(seconds), upstream, status, took);

    [Fact]
    public void A_share_of_5xx_over_the_rate_starts_an_incident_named_by_the_status_when_the_error_log_said_nothing()
    {
        var d = new IncidentDetector(WatchThreshold.Default);
        for (var i = 0; i < 18; i++)
        {
            Assert.Empty(d.Observe(Req(i * 0.1, 200)));
        }

        Assert.Empty(d.Observe(Req(2, 500)));
        var start = Assert.Single(d.Observe(Req(2.5, 500)));
        Assert.Equal((IncidentPhase.Started, Cause.BackendError, 2, T0.AddSeconds(2)), (start.Phase, start.Cause, start.Count, start.Start));
        Assert.Contains("2 of 20 requests", start.FirstLine, StringComparison.Ordinal);
        Assert.Empty(d.Observe(Req(5, 500)));
        var end = Assert.Single(d.Tick(T0.AddSeconds(15.5)));
        Assert.Equal((3, T0.AddSeconds(5)), (end.Count, end.End));
    }

    [Fact]
    public void The_rate_takes_the_error_logs_cause_and_counts_the_failed_requests_once()
    {
        var d = new IncidentDetector(WatchThreshold.Default with { MinRequests = 4 });
        Assert.Empty(d.Add(new FailureEvent(T0, FailureKind.ReadTimeout, Cause.UpstreamTimeout, "127.0.0.1:3000", 504, "upstream timed out (110: Connection timed out)")));
        Assert.Empty(d.Observe(Req(0, 504)));
        Assert.Empty(d.Observe(Req(0.2, 200)));
        Assert.Empty(d.Observe(Req(0.4, 200)));
        var start = Assert.Single(d.Observe(Req(0.6, 200 + 304)));
        Assert.Equal((Cause.UpstreamTimeout, 2), (start.Cause, start.Count));
        Assert.StartsWith("upstream timed out", start.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_burst_of_5xx_before_the_minimum_starts_the_incident_at_the_request_that_reaches_it()
    {
        var d = new IncidentDetector(WatchThreshold.Default);
        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(d.Observe(Req(i * 0.1, 503)));
        }

        for (var i = 0; i < 14; i++)
        {
            Assert.Empty(d.Observe(Req(1 + (i * 0.1), 200)));
        }

        var start = Assert.Single(d.Observe(Req(3, 200)));
        Assert.Equal((Cause.BackendError, 5, T0), (start.Cause, start.Count, start.Start));
    }

    [Fact]
    public void Below_the_rate_below_the_minimum_or_without_an_upstream_no_incident_starts()
    {
        var d = new IncidentDetector(WatchThreshold.Default);
        for (var i = 0; i < 100; i++)
        {
            Assert.Empty(d.Observe(Req(i * 0.05, i % 20 == 0 ? 502 : 200)));
            Assert.Empty(d.Observe(Req(i * 0.05, 503, upstream: "")));
        }

        Assert.Empty(d.Observe(Req(30, 502, upstream: "127.0.0.1:4000")));
        Assert.Empty(d.Observe(Req(30.1, 502, upstream: "127.0.0.1:4000")));
        Assert.Empty(new IncidentDetector(WatchThreshold.Default with { ErrorRate = null }).Observe(Req(0, 502)));
    }

    [Fact]
    public void Traffic_is_counted_per_second_and_its_latency_over_the_last_minute()
    {
        var stats = new TrafficStats();
        stats.Request(Req(0.1, 200, took: 0.010));
        stats.Request(Req(0.5, 502, took: null));
        stats.Request(Req(1.2, 200, took: 0.300));
        stats.Failure(new FailureEvent(T0.AddSeconds(1.3), FailureKind.ConnectRefused, Cause.UpstreamDown, "127.0.0.1:3000", 502, "x"));
        var u = stats.Upstreams["127.0.0.1:3000"];
        var (req, failed, errors) = u.Last(T0.AddSeconds(2), 3);
        Assert.Equal([2, 1, 0], req);
        Assert.Equal([1, 0, 0], failed);
        Assert.Equal([0, 1, 0], errors);
        Assert.Equal((3L, 1L, 1L), (u.Requests, u.Failed, u.Errors));
        Assert.InRange(u.Latency(T0.AddSeconds(2), 0.99)!.Value, 0.25, 0.30);
        Assert.Null(u.Latency(T0.AddSeconds(120), 0.5));
        Assert.Equal(0, u.Last(T0.AddSeconds(TrafficStats.Seconds + 5), TrafficStats.Seconds).Requests.Sum());
    }

    [Fact]
    public void Upstreams_past_the_bound_are_counted_as_other()
    {
        var keys = new UpstreamKeys();
        var names = Enumerable.Range(0, UpstreamKeys.Max + 10).Select(i => keys.Of($"10.0.0.{i}:80")).ToList();
        Assert.Equal(UpstreamKeys.Max + 1, names.Distinct().Count());
        Assert.Equal(UpstreamKeys.Other, names[^1]);
        Assert.Equal("10.0.0.0:80", keys.Of("10.0.0.0:80"));
    }
}
