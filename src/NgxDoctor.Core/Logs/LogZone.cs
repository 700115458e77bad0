namespace NgxDoctor.Core.Logs;

/// <summary>
/// The time zone an nginx writes its error log in (its own local time: the master's TZ, else the zone file of its
/// root), when that is not this host's: its wall-clock times to this host's local time, the base of every window,
/// and back. A container started with TZ=America/Los_Angeles on a UTC host writes times eight hours behind.
/// </summary>
public sealed class LogZone(TimeZoneInfo zone)
{
    private long _hour = long.MinValue;
    private TimeSpan _delta;

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>Null when <paramref name="zone"/> keeps the same time as this host: nothing to convert.</summary>
    public static LogZone? Unless(TimeZoneInfo? zone) =>
        zone is null || zone.HasSameRules(TimeZoneInfo.Local) ? null : new LogZone(zone);

    /// <summary>A time nginx wrote, as this host's local time (the offset is cached per hour of the line).</summary>
    public DateTime ToLocal(DateTime wall)
    {
        var hour = wall.Ticks / TimeSpan.TicksPerHour;
        if (hour != _hour)
        {
            var utc = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified) - Zone.GetUtcOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified));
            _delta = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.Local) - wall;
            _hour = hour;
        }

        return DateTime.SpecifyKind(wall + _delta, DateTimeKind.Unspecified);
    }

    /// <summary>This host's local time as nginx writes it.</summary>
    public DateTime ToWall(DateTime local) =>
        local == DateTime.MinValue || local == DateTime.MaxValue ? local
        : DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneInfo.Local, Zone), DateTimeKind.Unspecified);

    public override string ToString() => Zone.Id;
}
