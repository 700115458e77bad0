using NgxDoctor.Config;
using NgxDoctor.Config.Logs;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Reloads a running nginx by signalling its master (SIGHUP) and confirms it took: new worker pids within a few
/// seconds, the master still there, and no "[emerg]" written to its error log since the signal.
/// </summary>
public static class NginxReloader
{
    public static async Task<(bool Ok, string Why)> ReloadAsync(NginxInstance master, string? errorLog, CancellationToken ct)
    {
        var before = Workers(master.MasterPid);
        var logSize = errorLog is not null && File.Exists(errorLog) ? new FileInfo(errorLog).Length : 0;
        if (Native.Kill(master.MasterPid, Native.SigHup) != 0)
        {
            return (false, $"could not signal nginx's master (pid {master.MasterPid}): not allowed or gone");
        }

        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(50, ct);
            var emerg = Emergencies(errorLog, logSize);
            if (emerg is not null)
            {
                return (false, $"nginx refused the new configuration: {emerg}");
            }

            var now = Workers(master.MasterPid);
            if (now.Count > 0 && !now.Intersect(before).Any())
            {
                return (true, $"reloaded: workers {string.Join(',', before)} replaced by {string.Join(',', now)}");
            }
        }

        return (false, "nginx's workers were not replaced within 5 s of the reload signal");
    }

    /// <summary>The error log the master writes: its -e, else the main error_log of the configuration, else the binary's default.</summary>
    public static string? ErrorLog(NginxInstance master, NginxConfig config, NginxBinary? binary)
    {
        var args = NginxProcesses.Tokenize(master.CommandLine);
        var e = args.IndexOf("-e");
        if (e >= 0 && e + 1 < args.Count)
        {
            return args[e + 1];
        }

        return LogDiscovery.Find(config, config.Prefix).ErrorLogs.FirstOrDefault(l => l.IsFile)?.Path ?? binary?.ErrorLogPath;
    }

    private static List<int> Workers(int masterPid) =>
        ProcessTable.Read().Where(p => p.ParentPid == masterPid && p.CommandLine.StartsWith("nginx: worker", StringComparison.Ordinal)).Select(p => p.Pid).ToList();

    private static string? Emergencies(string? errorLog, long from)
    {
        if (errorLog is null || !File.Exists(errorLog))
        {
            return null;
        }

        using var f = Config.RegularFile.Open(errorLog, bufferSize: 4096);
        if (f.Length <= from)
        {
            return null;
        }

        f.Seek(from, SeekOrigin.Begin);
        using var reader = new StreamReader(f);
        var text = reader.ReadToEnd();
        return text.Split('\n').FirstOrDefault(l => l.Contains("[emerg]", StringComparison.Ordinal));
    }
}
