using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Reloads a PHP-FPM master after its pool files changed: `php-fpm -t` with the master's own binary and
/// configuration first (a master that cannot read its new configuration exits), then SIGUSR2, confirmed by new children.
/// </summary>
public static class PhpFpmReloader
{
    public static async Task<(bool Ok, string Why)> ReloadAsync(int pid, CancellationToken ct)
    {
        var master = ProcessTable.ReadOne("/proc", pid);
        if (master is null || !PhpFpmMaster.HasTitle(master))
        {
            return (false, $"php-fpm master {pid} is gone");
        }

        var (conf, exe, why) = PhpFpmMaster.Resolve(master);
        if (conf is null || exe is null)
        {
            return (false, why!);
        }

        var test = await CommandRunner.RunAsync(exe, ["-t", "-y", conf], TimeSpan.FromSeconds(10), ct);
        if (test.ExitCode != 0)
        {
            return (false, $"{test.CommandLine} failed: {test.Output.Trim()}");
        }

        var before = Children(pid);
        if (Native.Kill(pid, Native.SigUsr2) != 0)
        {
            return (false, $"could not signal php-fpm's master (pid {pid})");
        }

        // Confirmed when every child is new and the set has stopped growing (a static pool forks its children one by one).
        var seen = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(50, ct);
            var now = Children(pid);
            if (now.Count > 0 && !now.Intersect(before).Any() && now.Order().SequenceEqual(seen.Order()))
            {
                return (true, $"php-fpm {pid} reloaded its pools: children {string.Join(',', before)} replaced by {string.Join(',', now)}");
            }

            seen = now;
        }

        return (false, $"php-fpm {pid} did not replace its children within 5 s of SIGUSR2");
    }

    private static List<int> Children(int pid) => ProcessTable.Read().Where(p => p.ParentPid == pid).Select(p => p.Pid).ToList();
}
