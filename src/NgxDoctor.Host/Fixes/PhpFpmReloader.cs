using System.Globalization;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Reloads a PHP-FPM master after its pool files changed: `php-fpm -t` with the master's own binary and
/// configuration first (a master that cannot read its new configuration exits), then SIGUSR2, confirmed by new
/// children. A daemonized master re-execs and forks on SIGUSR2, so it comes back under a new pid: it is followed by
/// the pid file its configuration names, and that is the master whose children must be new.
/// </summary>
public static class PhpFpmReloader
{
    /// <summary>How long a reload waits for the requests in flight to finish.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With process_control_timeout = 0 (php-fpm's default) a reload kills busy children at once and nginx logs a 502
    /// for each request they served: the reload waits, up to <see cref="DrainTimeout"/>, until none is in flight.
    /// With a timeout of its own php-fpm lets them finish. Returns what the report says of it ("" when nothing waited).
    /// </summary>
    private static async Task<string> DrainAsync(int pid, string conf, CancellationToken ct)
    {
        var config = PhpFpmConfigParser.Load(conf);
        if (config.Global.TryGetValue("process_control_timeout", out var own) && Config.ConfigValues.TryParseTime(own.Value, out var t) && t > TimeSpan.Zero)
        {
            return "";
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = FpmInFlight.Count(pid, config);
        var busy = first;
        while (busy > 0 && clock.Elapsed < DrainTimeout)
        {
            await Task.Delay(100, ct);
            busy = FpmInFlight.Count(pid, config);
        }

        return first == 0 ? ""
            : busy == 0 ? $"; waited {clock.Elapsed.TotalSeconds:0.0} s for {first} request(s) in flight to finish first (process_control_timeout = 0 would have cut them)"
            : $"; {busy} request(s) still in flight after {DrainTimeout.TotalSeconds:0} s were cut (process_control_timeout = 0)";
    }

    /// <summary>Reloads the master <paramref name="pid"/> (or, once it is gone, the one <paramref name="config"/>'s pid file names); returns the master's pid after.</summary>
    public static async Task<(bool Ok, string Why, int Pid)> ReloadAsync(int pid, string? config, CancellationToken ct)
    {
        var master = Master(pid) ?? (config is not null && PidFromFile(PidFile(config)) is { } moved ? Master(moved) : null);
        if (master is null)
        {
            return (false, $"php-fpm master {pid} is gone{(config is null ? "" : $" and no master of {config} runs")}", pid);
        }

        var (conf, exe, why) = PhpFpmMaster.Resolve(master);
        if (conf is null || exe is null)
        {
            return (false, why!, master.Pid);
        }

        var test = await CommandRunner.RunAsync(exe, ["-t", "-y", conf], TimeSpan.FromSeconds(10), ct);
        if (test.ExitCode != 0)
        {
            return (false, $"{test.CommandLine} failed: {test.Output.Trim()}", master.Pid);
        }

        var drained = await DrainAsync(master.Pid, conf, ct);
        var before = Children(master.Pid);
        if (Native.Kill(master.Pid, Native.SigUsr2) != 0)
        {
            return (false, $"could not signal php-fpm's master (pid {master.Pid})", master.Pid);
        }

        // Confirmed when every child is new and the set has stopped growing (a static pool forks its children one by one).
        var pidFile = PidFile(conf);
        var seen = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(50, ct);
            var current = Master(master.Pid) is not null ? master.Pid : PidFromFile(pidFile) is { } next && Master(next) is not null ? next : master.Pid;
            var now = Children(current);
            if (now.Count > 0 && !now.Intersect(before).Any() && now.Order().SequenceEqual(seen.Order()))
            {
                var followed = current == master.Pid ? "" : $" (it re-executed as pid {current}, found by its pid file {pidFile})";
                return (true, $"php-fpm {master.Pid} reloaded its pools{followed}: children {string.Join(',', before)} replaced by {string.Join(',', now)}{drained}", current);
            }

            seen = now;
        }

        return (false, $"php-fpm {master.Pid} did not replace its children within 5 s of SIGUSR2", master.Pid);
    }

    private static Core.Facts.ProcessInfo? Master(int pid) => ProcessTable.ReadOne("/proc", pid) is { } p && PhpFpmMaster.HasTitle(p) ? p : null;

    /// <summary>The [global] pid file of a PHP-FPM configuration (an absolute path), null without one.</summary>
    private static string? PidFile(string config)
    {
        try
        {
            return PhpFpmConfigParser.Load(config).Global.TryGetValue("pid", out var p) && Path.IsPathRooted(p.Value) ? p.Value : null;
        }
        catch (Config.ConfigParseException)
        {
            return null;
        }
    }

    private static int? PidFromFile(string? pidFile)
    {
        try
        {
            return pidFile is not null && int.TryParse(Config.RegularFile.ReadAllText(pidFile, 64).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<int> Children(int pid) => ProcessTable.Read().Where(p => p.ParentPid == pid).Select(p => p.Pid).ToList();
}
