using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>Times nginx wrote in a zone of its own, read as this host's local time (issue 26).</summary>
public sealed class LogZoneTests
{
    [Theory]
    [InlineData("-0800", -8 * 60)]
    [InlineData("+0530", 5 * 60 + 30)]
    [InlineData("+05:45", 5 * 60 + 45)]
    [InlineData("+0000", 0)]
    public void An_access_log_time_with_its_offset_is_this_hosts_local_time(string offset, int minutes)
    {
        var wall = new DateTime(2026, 12, 6, 21, 9, 54);
        var expected = new DateTimeOffset(wall, TimeSpan.FromMinutes(minutes)).LocalDateTime;
        Assert.Equal(expected, LogTime.WithOffset(wall, offset));
        Assert.Equal(expected, AccessRecord.ParseTime($"06/Dec/2026:21:09:54 {offset.Replace(":", "", StringComparison.Ordinal)}"));
    }

    [Fact]
    public void A_time_without_a_readable_offset_is_taken_as_written()
    {
        var wall = new DateTime(2026, 12, 6, 21, 9, 54);
        Assert.Equal(wall, LogTime.WithOffset(wall, "zzzzz"));
        Assert.Equal(wall, AccessRecord.ParseTime("06/Dec/2026:21:09:54"));
    }

    [Fact]
    public void Los_Angeles_times_convert_to_local_and_back_across_a_daylight_saving_change()
    {
        var la = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        la = la.HasSameRules(TimeZoneInfo.Local) ? TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin") : la;
        var zone = LogZone.Unless(la)!;
        foreach (var wall in new[] { new DateTime(2026, 12, 6, 21, 9, 54), new DateTime(2026, 7, 1, 12, 0, 0), new DateTime(2026, 11, 1, 3, 30, 0) })
        {
            var utc = TimeZoneInfo.ConvertTimeToUtc(wall, la);
            Assert.Equal(TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.Local), zone.ToLocal(wall));
            Assert.Equal(wall, zone.ToWall(zone.ToLocal(wall)));
        }

        Assert.Null(LogZone.Unless(TimeZoneInfo.Local));
    }
}
