using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>Processes from /proc. A process that vanishes while being read is left out, never an error.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<ProcessInfo> Read(string procRoot = "/proc")
    {
        var list = new List<ProcessInfo>();
        foreach (var dir in SafeEnumerate(procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadOne(procRoot, pid) is { } p)
            {
                list.Add(p);
            }
        }

        return list;
    }

    public static ProcessInfo? ReadOne(string procRoot, int pid)
    {
        try
        {
            var baseDir = Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var status = ProcFile.ReadText(Path.Combine(baseDir, "status"));
            var name = Field(status, "Name:") ?? "";
            var uid = uint.TryParse(Field(status, "Uid:")?.Split('\t', ' ')[0], out var u) ? u : uint.MaxValue;
            var ppid = int.TryParse(Field(status, "PPid:"), out var pp) ? pp : 0;
            var cmdline = ProcFile.ReadText(Path.Combine(baseDir, "cmdline")).Replace('\0', ' ').Trim();
            return new ProcessInfo(pid, name, cmdline, uid, ppid) { Started = StartTime(procRoot, baseDir) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Field 22 of /proc/PID/stat (clock ticks after boot; USER_HZ is 100 on every Linux) added to /proc/stat's btime.
    /// The fields are counted after the last ')': the command name before it may hold spaces and parentheses.
    /// </summary>
    private static DateTime? StartTime(string procRoot, string baseDir)
    {
        var stat = ProcFile.ReadText(Path.Combine(baseDir, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], out var ticks) && Boot(procRoot) is { } boot ? boot.AddSeconds(ticks / 100.0) : null;
    }

    // A reference, so a reader on another thread sees a whole pair or none.
    private static BootTime? _boot;

    private static DateTime? Boot(string procRoot)
    {
        if (_boot is { } cached && cached.Root == procRoot)
        {
            return cached.Boot;
        }

        var btime = Field(ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "stat")), "btime");
        DateTime? boot = long.TryParse(btime, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds).LocalDateTime : null;
        _boot = new BootTime(procRoot, boot);
        return boot;
    }

    private sealed record BootTime(string Root, DateTime? Boot);

    /// <summary>The value after "Key:" in a /proc status-like text, trimmed.</summary>
    public static string? Field(string text, string key)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(key))
            {
                return line[key.Length..].Trim().ToString();
            }
        }

        return null;
    }

    public static IEnumerable<string> SafeEnumerate(string dir)
    {
        try
        {
            return Directory.EnumerateDirectories(dir).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
