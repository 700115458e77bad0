using System.Globalization;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// The time zone an nginx writes its error log in. nginx writes its own local time without an offset, as glibc
/// decides it for the master: its TZ variable (which nginx keeps, but /proc/PID/environ no longer shows once nginx
/// has set its process title over it), else the zone file of its root. So it is read, in this order, from the TZ
/// in /proc/PID/environ when it is still there; from the log itself (its last entry's time against the file's
/// modification time, which the kernel keeps in UTC: a whole number of quarter hours apart, the offset nginx wrote
/// in); from the zone file of its root (/etc/localtime: a link into zoneinfo, /etc/timezone beside a copy; none is UTC).
/// </summary>
public static class NginxTimeZone
{
    private const string ZoneInfo = "/usr/share/zoneinfo/";
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);

    /// <summary>The zone to read <paramref name="errorLog"/> in, or null when it is this host's own (a note says when it cannot be told).</summary>
    public static LogZone? Of(LocatedInstance located, string errorLog, List<NotCollected> notes)
    {
        if (located.Instance is not { } instance)
        {
            return null;
        }

        var tz = located.MasterTz;
        var zone = tz is not null ? FromVariable(tz) : FromLog(errorLog) ?? (located.From.Root.IsHost ? null : FromRoot(located.From.Root));
        if (tz is not null && zone is null)
        {
            notes.Add(new NotCollected(Fact.ErrorLog, $"nginx (pid {instance.MasterPid}) runs with TZ={Core.Text.SafeText.Escape(tz, 80)}, a zone this host does not know: its log times are read as this host's"));
        }

        return LogZone.Unless(zone);
    }

    /// <summary>
    /// The offset the log's last entry was written in: its time as written minus its file's modification time (UTC),
    /// when that is within a few seconds of a whole number of quarter hours; null for an empty or touched file.
    /// </summary>
    public static TimeZoneInfo? FromLog(string errorLog)
    {
        try
        {
            using var file = RegularFile.Open(errorLog, bufferSize: 4096);
            var modified = File.GetLastWriteTimeUtc(errorLog);
            var tail = new byte[(int)Math.Min(file.Length, 8192)];
            file.Seek(-tail.Length, SeekOrigin.End);
            file.ReadExactly(tail);
            var lines = Encoding.UTF8.GetString(tail).Split('\n');
            var written = lines.Reverse().Select(l => ErrorLogParser.TryTime(l, out var t) ? t : (DateTime?)null).FirstOrDefault(t => t is not null);
            if (written is not { } wall)
            {
                return null;
            }

            var apart = wall - modified;
            var quarters = Math.Round(apart / Quarter);
            var offset = Quarter * quarters;
            return Math.Abs((apart - offset).TotalSeconds) <= 5 && offset.Duration() <= TimeSpan.FromHours(14)
                ? offset == TimeZoneInfo.Local.GetUtcOffset(modified) ? TimeZoneInfo.Local : Fixed(offset)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static TimeZoneInfo Fixed(TimeSpan offset)
    {
        var name = $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}";
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }

    /// <summary>An environment variable of a process (/proc/PID/environ, as it was started).</summary>
    public static string? Variable(int pid, string name)
    {
        try
        {
            var bytes = RegularFile.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ", 1 << 20);
            var prefix = name + "=";
            return Encoding.UTF8.GetString(bytes).Split('\0').FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What glibc makes of TZ: a zone name (with or without ':'), UTC by its names; a POSIX rule string is not read here.</summary>
    public static TimeZoneInfo? FromVariable(string tz)
    {
        var name = tz.TrimStart(':').Trim();
        if (name.Length == 0 || name is "UTC" or "UTC0" or "GMT" or "GMT0" or "Etc/UTC" or "Universal" or "Zulu")
        {
            return TimeZoneInfo.Utc;
        }

        if (name.StartsWith('/'))
        {
            name = name.StartsWith(ZoneInfo, StringComparison.Ordinal) ? name[ZoneInfo.Length..] : "";
        }

        return Find(name);
    }

    private static TimeZoneInfo? FromRoot(Namespaces.InstanceRoot root)
    {
        var localtime = root.Directory + "/etc/localtime";
        var status = UnixFileStatus.Of(localtime, followSymlinks: false);
        if (!status.Exists)
        {
            return TimeZoneInfo.Utc;
        }

        // A link into zoneinfo names the zone; a copy is matched against /etc/timezone (Debian's), else the host's own.
        if (status.Kind == UnixFileKind.Symlink && new FileInfo(localtime).LinkTarget is { } target && target.IndexOf("zoneinfo/", StringComparison.Ordinal) is var at and >= 0)
        {
            return Find(target[(at + "zoneinfo/".Length)..]);
        }

        try
        {
            var name = RegularFile.ReadAllText(root.Map("/etc/timezone"), 256).Trim();
            return name.Length > 0 ? Find(name) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static TimeZoneInfo? Find(string name)
    {
        // A name only: never a path (an absolute one would make the lookup read that file).
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/'))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return null;
        }
    }
}
