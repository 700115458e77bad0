using System.Globalization;
using System.Text.RegularExpressions;

namespace NgxDoctor.Core.Logs;

/// <summary>A process the kernel saw die of a fault ("python3[4711]: segfault at 0 ip ..."), with the signal that killed it.</summary>
public sealed record KernelCrash(DateTime Time, int Pid, string Process, string Signal, string Line);

/// <summary>
/// An access a mandatory access control module refused: AppArmor (`apparmor="DENIED" operation="connect"
/// profile="nginx" name="/run/php/www.sock"`) or SELinux (`avc:  denied  { name_connect } for pid=1 comm="nginx"
/// dest=8080 scontext=...:httpd_t:s0`). <see cref="Target"/> is the path, or "port N" for a TCP destination.
/// </summary>
public sealed record MacDenial(DateTime Time, string Module, string Operation, string? Profile, string? Target, int? Pid, string Command, string Line);

/// <summary>What the kernel's log says beside OOM kills: crashes by signal, and denials of AppArmor and SELinux.</summary>
public static partial class KernelEventParser
{
    public static bool IsCrash(string line) => line.Contains(": segfault at ", StringComparison.Ordinal) || line.Contains("traps: ", StringComparison.Ordinal);

    public static bool IsDenial(string line) => line.Contains("apparmor=\"DENIED\"", StringComparison.Ordinal) || line.Contains("avc:  denied", StringComparison.Ordinal) || line.Contains("avc: denied", StringComparison.Ordinal);

    public static KernelCrash? Crash(string line, DateTime now)
    {
        var m = CrashLine().Match(line);
        if (!m.Success || KernelLogParser.Time(line, now) is not { } time)
        {
            return null;
        }

        var what = m.Groups["what"].Value;
        var signal = what.StartsWith("segfault", StringComparison.Ordinal) || what.StartsWith("general protection", StringComparison.Ordinal) ? "SIGSEGV"
            : what.Contains("invalid opcode", StringComparison.Ordinal) ? "SIGILL"
            : what.Contains("divide error", StringComparison.Ordinal) ? "SIGFPE"
            : what.Contains("int3", StringComparison.Ordinal) ? "SIGTRAP"
            : "a fatal trap";
        return new KernelCrash(time, int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture), m.Groups["comm"].Value, signal, line);
    }

    public static MacDenial? Denial(string line, DateTime now)
    {
        if (!IsDenial(line) || (Epoch(line) ?? KernelLogParser.Time(line, now)) is not { } time)
        {
            return null;
        }

        var pid = Field(line, "pid") is { } p && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        var comm = Field(line, "comm") ?? "";
        if (line.Contains("apparmor=", StringComparison.Ordinal))
        {
            return new MacDenial(time, "AppArmor", Field(line, "operation") ?? "", Field(line, "profile"), Field(line, "name") ?? Field(line, "addr"), pid, comm, line);
        }

        var permission = Permission().Match(line);
        var target = Field(line, "path") ?? (Field(line, "dest") is { } port ? $"port {port}" : Field(line, "name"));
        var context = Field(line, "scontext")?.Split(':') is { Length: >= 3 } parts ? parts[2] : null;
        return new MacDenial(time, "SELinux", permission.Success ? permission.Groups["perm"].Value.Trim() : "", context, target, pid, comm, line);
    }

    /// <summary>The time in audit(1733000000.123:45): seconds since the epoch, in every audit record (kernel log or audit.log).</summary>
    private static DateTime? Epoch(string line)
    {
        var m = AuditStamp().Match(line);
        return m.Success && double.TryParse(m.Groups["t"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).LocalDateTime
            : null;
    }

    private static string? Field(string line, string name)
    {
        var m = Regex.Match(line, $@"(?:^|\s){name}=(?:""(?<v>[^""]*)""|(?<v>\S+))", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        return m.Success ? m.Groups["v"].Value : null;
    }

    [GeneratedRegex(@"(?:traps: )?(?<comm>[^\s\[\]]{1,64})\[(?<pid>\d+)\]:? (?<what>segfault at |general protection|trap [a-z0-9 ]+)")]
    private static partial Regex CrashLine();

    [GeneratedRegex(@"\{(?<perm>[^}]*)\}")]
    private static partial Regex Permission();

    [GeneratedRegex(@"audit\((?<t>\d+\.\d+):\d+\)")]
    private static partial Regex AuditStamp();
}
