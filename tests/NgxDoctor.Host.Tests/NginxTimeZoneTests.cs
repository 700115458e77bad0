using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Tests;

/// <summary>The zone an error log was written in, told from its last entry and its file's modification time (issue 26).</summary>
public sealed class NginxTimeZoneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-tz-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Log(DateTime lastWall, DateTime modifiedUtc)
    {
        var path = Path.Combine(_dir, "error.log");
        File.WriteAllText(path, $"{lastWall.AddMinutes(-3):yyyy/MM/dd HH:mm:ss} [notice] 1#1: start\n{lastWall:yyyy/MM/dd HH:mm:ss} [error] 2#2: *1 connect() failed (111: Connection refused) while connecting to upstream\n");
        File.SetLastWriteTimeUtc(path, modifiedUtc);
        return path;
    }

    [Theory]
    [InlineData(-8 * 60)]
    [InlineData(5 * 60 + 30)]
    [InlineData(0)]
    public void The_offset_is_the_last_entrys_time_against_the_files_modification_time(int minutes)
    {
        var now = DateTime.UtcNow;
        var zone = NginxTimeZone.FromLog(Log(now.AddMinutes(minutes).AddSeconds(-1), now));
        Assert.NotNull(zone);
        Assert.Equal(TimeSpan.FromMinutes(minutes), zone.GetUtcOffset(now));
    }

    [Fact]
    public void A_file_touched_after_its_last_entry_tells_nothing()
    {
        var now = DateTime.UtcNow;
        Assert.Null(NginxTimeZone.FromLog(Log(now.AddMinutes(-37), now)));
        File.WriteAllText(Path.Combine(_dir, "empty.log"), "");
        Assert.Null(NginxTimeZone.FromLog(Path.Combine(_dir, "empty.log")));
    }

    [Theory]
    [InlineData(":America/Los_Angeles", -8)]
    [InlineData("America/Los_Angeles", -8)]
    [InlineData("UTC", 0)]
    [InlineData("/usr/share/zoneinfo/Asia/Tokyo", 9)]
    public void TZ_names_a_zone_as_glibc_reads_it(string tz, int hours)
    {
        var zone = NginxTimeZone.FromVariable(tz);
        Assert.NotNull(zone);
        Assert.Equal(TimeSpan.FromHours(hours), zone.GetUtcOffset(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Null(NginxTimeZone.FromVariable("No/Such_Zone"));
        Assert.Null(NginxTimeZone.FromVariable("../../etc/passwd"));
    }
}
