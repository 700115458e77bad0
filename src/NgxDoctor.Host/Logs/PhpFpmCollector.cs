using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Running PHP-FPM masters (from their process title, "php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"),
/// their pools, the window of their error log, whose entries join nginx's under the pool's listen address, and of their slowlogs.
/// </summary>
public static class PhpFpmCollector
{
    public static IReadOnlyList<FpmInstance> Collect(IReadOnlyList<ProcessInfo> processes, UpstreamInventory inventory, DateTime since, DateTime until,
        IncidentAggregator incidents, List<LogScan> scans, List<NotCollected> notes)
    {
        var result = new List<FpmInstance>();
        var ownMounts = Namespaces.ProcNamespaces.Own().Mnt;
        foreach (var master in processes.Where(PhpFpmMaster.HasTitle))
        {
            // A master of another mount namespace (a container, a pod's sidecar) is read as it sees its files.
            var root = Namespaces.ProcNamespaces.Of("/proc", master.Pid).Mnt is { } mnt && ownMounts is not null && mnt != ownMounts
                ? new Namespaces.InstanceRoot($"/proc/{master.Pid}/root")
                : Namespaces.InstanceRoot.Host;
            var (conf, _, why) = PhpFpmMaster.Resolve(master, "/proc", root);
            if (conf is null)
            {
                notes.Add(new NotCollected(Fact.PhpFpm, SafeText.Escape(why!)));
                continue;
            }

            PhpFpmConfig config;
            try
            {
                config = root.IsHost ? PhpFpmConfigParser.Load(conf) : PhpFpmConfigParser.Load(conf, new Namespaces.RootedConfigSource(root));
                if (config.Pools.Count == 0)
                {
                    // php-fpm refuses to start without a pool: a file with none is not what this master runs.
                    throw new ConfigParseException(new SourcePos(conf, 0, 0), "no [pool] section: not a PHP-FPM configuration; not read further");
                }
            }
            catch (ConfigParseException e)
            {
                result.Add(new FpmInstance(master.Pid, conf, [], null, e.Message));
                notes.Add(new NotCollected(Fact.PhpFpm, $"pid {master.Pid}: {SafeText.Escape(e.Message)}"));
                continue;
            }

            var errorLog = config.Global.TryGetValue("error_log", out var el) ? el.Value : null;
            var instance = new FpmInstance(master.Pid, conf, config.Pools, errorLog, null)
            {
                Root = root.Directory,
                ChildrenRssKb = processes.Where(p => p.ParentPid == master.Pid).Select(p => RssKb(p.Pid)).OfType<long>().ToList(),
                SlowScripts = FpmSlowlogScanner.Scan(config.Pools, since, until, scans, root),
            };
            result.Add(instance);
            if (errorLog is null || !errorLog.StartsWith('/') || errorLog.StartsWith("/proc/", StringComparison.Ordinal) || errorLog.StartsWith("/dev/", StringComparison.Ordinal))
            {
                notes.Add(new NotCollected(Fact.PhpFpmLog, $"pid {master.Pid}: error_log is {errorLog ?? "not set"}; not a file ngxdoctor can read"));
                continue;
            }

            scans.Add(Scan(root.Map(errorLog), errorLog, instance, inventory, since, until, incidents));
        }

        return result;
    }

    /// <summary>VmRSS of a process in kB (/proc/PID/status), null when it is gone or unreadable.</summary>
    private static long? RssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out var kb) ? kb : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static LogScan Scan(string path, string shownAs, FpmInstance instance, UpstreamInventory inventory, DateTime since, DateTime until, IncidentAggregator incidents) =>
        LogWindow.Scan(path, shownAs, "php-fpm", since, until, FpmLogParser.Parse, e => e.Time, (e, line) =>
        {
            // Only pools this nginx passes requests to concern its diagnosis.
            if (FpmLogParser.Classify(e) is { } c && Address(instance, e.Pool, inventory) is { } address)
            {
                incidents.Add(c, address, e.Time, shownAs, line.Number, line.Text);
            }
        });

    /// <summary>The pool's listen address as nginx's inventory names it, so both logs' entries meet under one key; null for a pool nginx does not use.</summary>
    private static string? Address(FpmInstance instance, string? pool, UpstreamInventory inventory)
    {
        var listen = instance.Pools.FirstOrDefault(p => p.Name == pool)?.ListenAddress;
        return inventory.Targets.FirstOrDefault(t => FpmInstance.Matches(listen, t.Address.Text))?.Address.Text;
    }
}
