using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Watch;

namespace NgxDoctor.Core.Tests;

/// <summary>Failures as they are read become incidents per upstream: a threshold within a window to start, a quiet window to end.</summary>
public sealed class IncidentDetectorTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 22, 0, 0);

    private static FailureEvent Refused(double seconds, string upstream = "127.0.0.1:3000") =>
        new(T0.AddSeconds(seconds), FailureKind.ConnectRefused, Cause.UpstreamDown, upstream, 502, $"connect() failed (111: Connection refused) at {seconds}");

    [Fact]
    public void Three_failures_within_ten_seconds_start_an_incident_and_a_quiet_window_ends_it()
    {
        var d = new IncidentDetector(WatchThreshold.Default);
        Assert.Empty(d.Add(Refused(0)));
        Assert.Empty(d.Add(Refused(4)));
        var start = Assert.Single(d.Add(Refused(8)));
        Assert.Equal((IncidentPhase.Started, T0, 3, Cause.UpstreamDown), (start.Phase, start.Start, start.Count, start.Cause));
        Assert.Contains("at 0", start.FirstLine, StringComparison.Ordinal);
        Assert.Empty(d.Add(Refused(9)));
        Assert.Empty(d.Tick(T0.AddSeconds(18)));
        var end = Assert.Single(d.Tick(T0.AddSeconds(19.5)));
        Assert.Equal((IncidentPhase.Ended, 4, T0.AddSeconds(9)), (end.Phase, end.Count, end.End));
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_and_other_upstreams_make_no_incident()
    {
        var d = new IncidentDetector(WatchThreshold.Default);
        Assert.Empty(d.Add(Refused(0)));
        Assert.Empty(d.Add(Refused(6)));
        Assert.Empty(d.Add(Refused(12)));
        Assert.Empty(d.Add(Refused(13, "127.0.0.1:4000")));
        Assert.Empty(d.Add(Refused(14, "unix:/run/php.sock")));
        Assert.Empty(d.Tick(T0.AddMinutes(5)));
    }
}
