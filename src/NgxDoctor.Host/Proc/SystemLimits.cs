using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Proc;

/// <summary>somaxconn, the ephemeral port range and memory, from /proc.</summary>
public static class SystemLimits
{
    public static SystemFacts Read(string procRoot = "/proc")
    {
        var range = ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "sys/net/ipv4/ip_local_port_range")).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var mem = MemInfo(ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "meminfo")));
        return new SystemFacts
        {
            PageSize = Environment.SystemPageSize,
            Somaxconn = Int(ListenerTable.ReadOrEmpty(Path.Combine(procRoot, "sys/net/core/somaxconn"))),
            EphemeralLow = range.Length == 2 ? Int(range[0]) : null,
            EphemeralHigh = range.Length == 2 ? Int(range[1]) : null,
            MemTotalKb = mem.GetValueOrDefault("MemTotal"),
            MemAvailableKb = mem.GetValueOrDefault("MemAvailable"),
            SwapTotalKb = mem.GetValueOrDefault("SwapTotal"),
            SwapFreeKb = mem.GetValueOrDefault("SwapFree"),
        };
    }

    public static Dictionary<string, long?> MemInfo(string text)
    {
        var result = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var value = colon < 0 ? [] : line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (value.Length > 0 && long.TryParse(value[0], CultureInfo.InvariantCulture, out var kb))
            {
                result[line[..colon]] = kb;
            }
        }

        return result;
    }

    private static int? Int(string text) => int.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var v) ? v : null;
}
