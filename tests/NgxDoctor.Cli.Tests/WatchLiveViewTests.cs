using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Watch;

namespace NgxDoctor.Cli.Tests;

/// <summary>The live view of `watch`: what it draws from the counts, and its sparkline.</summary>
public sealed class WatchLiveViewTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 22, 0, 0);

    [Fact]
    public void The_sparkline_has_a_bar_per_two_seconds_scaled_to_the_busiest_and_red_where_a_5xx_fell()
    {
        Assert.Equal(" ▄[red]█[/]", WatchLiveView.Spark([0, 0, 1, 1, 4, 0], [0, 0, 0, 0, 0, 1]));
    }

    [Fact]
    public void Each_upstream_shows_its_rate_share_of_5xx_latency_and_incident_and_hostile_text_is_escaped()
    {
        var stats = new TrafficStats();
        for (var i = 0; i < 30; i++)
        {
            stats.Request(new RequestEvent(T0.AddSeconds(i), "127.0.0.1:3000", i % 10 == 0 ? 502 : 200, 0.05));
        }

        var failure = new FailureEvent(T0.AddSeconds(20), FailureKind.ConnectRefused, Cause.UpstreamDown, "unix:/run/\u001b[31mx.sock", 502, "x");
        stats.Failure(failure);
        stats.Incident(new WatchEvent(new IncidentChange(IncidentPhase.Started, "127.0.0.1:3000", Cause.UpstreamDown, T0.AddSeconds(20), null, 3, "x"), null, null));
        var text = new StringWriter();
        Terminal.Create(text).Write(WatchLiveView.Render("/etc/nginx/nginx.conf", stats, ["22:00:20 incident started: ..."], T0.AddSeconds(30)));
        var drawn = text.ToString();
        Assert.Contains("127.0.0.1:3000", drawn, StringComparison.Ordinal);
        Assert.Contains("0.5", drawn, StringComparison.Ordinal); // 30 requests in the last minute
        Assert.Contains("10%", drawn, StringComparison.Ordinal);
        Assert.Contains("50 ms", drawn, StringComparison.Ordinal);
        Assert.Contains("upstream-down since 22:00:20", drawn, StringComparison.Ordinal);
        Assert.Contains("incident started", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', drawn);
    }
}
