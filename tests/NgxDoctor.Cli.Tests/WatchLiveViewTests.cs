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
        Terminal.Create(text).Write(WatchLiveView.Render("/etc/nginx/nginx.conf", stats, ["22:00:20 incident started: ..."], T0.AddSeconds(29)));
        var drawn = text.ToString();
        Assert.Contains("127.0.0.1:3000", drawn, StringComparison.Ordinal);
        Assert.Contains("0.5", drawn, StringComparison.Ordinal); // 30 requests in the last minute
        Assert.Contains("10%", drawn, StringComparison.Ordinal); // 1 of the 10 requests of the last 10 s
        Assert.Contains("50 ms", drawn, StringComparison.Ordinal);
        Assert.Contains("upstream-down since 22:00:20", drawn, StringComparison.Ordinal);
        Assert.Contains("incident started", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', drawn);
    }

    /// <summary>Issue 28: on an 80-column terminal the row of an upstream is one line (no wrapped sparkline, no name
    /// cut mid-word), and a recovered upstream's 5xx share is 0 within seconds, not for a minute.</summary>
    [Fact]
    public void On_80_columns_a_row_is_one_line_and_a_recovery_shows_at_once()
    {
        var stats = new TrafficStats();
        const string name = "unix:/run/php/php8.2-fpm-a-very-long-pool-name.sock";
        for (var i = 0; i < 60; i++)
        {
            stats.Request(new RequestEvent(T0.AddSeconds(i), name, i < 25 ? 502 : 200, 0.05));
        }

        var text = new StringWriter();
        var console = Terminal.Create(text);
        console.Profile.Width = 80;
        console.Write(WatchLiveView.Render("/etc/nginx/nginx.conf", stats, [], T0.AddSeconds(59), 80));
        var lines = text.ToString().Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        var row = Assert.Single(lines, l => l.Contains("pool-name.sock", StringComparison.Ordinal));
        Assert.Contains("unix:/run/php…", row, StringComparison.Ordinal);
        Assert.Contains(" 0% ", row, StringComparison.Ordinal); // the last 10 s: all 200
        Assert.Equal(lines.Length, lines.Distinct().Count() + lines.Count(l => l.Length == 0) - (lines.Any(l => l.Length == 0) ? 1 : 0));
    }
}
