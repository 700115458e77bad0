using System.Runtime.CompilerServices;

namespace NgxDoctor.Core.Logs;

/// <summary>
/// Log timestamps parsed by hand (DateTime.TryParseExact costs more than the rest of a line): nginx's error-log
/// "2026/11/28 03:00:00" and $time_local "28/Nov/2026:03:00:00". Invalid dates (29 Feb of a common year) fail.
/// </summary>
public static class LogTime
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>"yyyy/MM/dd HH:mm:ss" at the start of <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryErrorLog(ReadOnlySpan<char> s, out DateTime time)
    {
        time = default;
        return s.Length >= 19 && s[4] == '/' && s[7] == '/' && s[10] == ' ' && s[13] == ':' && s[16] == ':'
            && Num(s, 0, 4, out var y) && Num(s, 5, 2, out var mo) && Num(s, 8, 2, out var d)
            && Num(s, 11, 2, out var h) && Num(s, 14, 2, out var mi) && Num(s, 17, 2, out var se)
            && Make(y, mo, d, h, mi, se, out time);
    }

    /// <summary>"dd/MMM/yyyy:HH:mm:ss" at the start of <paramref name="s"/> (the zone offset after it is ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryTimeLocal(ReadOnlySpan<char> s, out DateTime time)
    {
        time = default;
        if (s.Length < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':')
        {
            return false;
        }

        var month = s.Slice(3, 3);
        var mo = 0;
        for (var i = 0; i < 12 && mo == 0; i++)
        {
            mo = month.SequenceEqual(Months[i]) ? i + 1 : 0;
        }

        return mo > 0 && Num(s, 0, 2, out var d) && Num(s, 7, 4, out var y)
            && Num(s, 12, 2, out var h) && Num(s, 15, 2, out var mi) && Num(s, 18, 2, out var se)
            && Make(y, mo, d, h, mi, se, out time);
    }

    /// <summary>
    /// A time written with its own UTC offset ("+0100" after $time_local, "+01:00" at the end of $time_iso8601) as this
    /// host's local time: an access log written in another zone (a container's TZ) lands in the same window as the
    /// error log. Without a readable offset the time is taken as written.
    /// </summary>
    public static DateTime WithOffset(DateTime wall, ReadOnlySpan<char> offset)
    {
        if (offset.Length < 5 || offset[0] is not ('+' or '-') || !Num(offset, 1, 2, out var h))
        {
            return wall;
        }

        var m = 0;
        if (!(offset[3] == ':' ? offset.Length >= 6 && Num(offset, 4, 2, out m) : Num(offset, 3, 2, out m)))
        {
            return wall;
        }

        var written = new TimeSpan(h, m, 0) * (offset[0] == '-' ? -1 : 1);
        var utc = DateTime.SpecifyKind(wall - written, DateTimeKind.Utc);
        return utc.Year is > 1 and < 9999 ? DateTime.SpecifyKind(utc.ToLocalTime(), DateTimeKind.Unspecified) : wall;
    }

    private static bool Make(int y, int mo, int d, int h, int mi, int s, out DateTime time)
    {
        time = default;
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
        {
            return false;
        }

        time = new DateTime(y, mo, d, h, mi, s);
        return true;
    }

    private static bool Num(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = s[i] - '0';
            if ((uint)c > 9)
            {
                return false;
            }

            value = (value * 10) + c;
        }

        return true;
    }
}
