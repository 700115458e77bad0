using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// The error log of each gunicorn that listens on an upstream: `--error-logfile`/`--log-file` of its master's
/// command line, else the file its stderr is; its worker deaths (WORKER TIMEOUT, a signal, an exit code) join
/// nginx's incidents under that upstream's address. Another user's process names the file: it is read only when
/// that user may read it (a command line pointing at /etc/shadow gets nothing), and only when it is a regular file.
/// </summary>
public static class GunicornLogs
{
    public static LogFacts? Add(DiagnosisFacts facts, List<NotCollected> notes, string procRoot = "/proc")
    {
        if (facts.Logs is not { } logs || facts.Listeners is null)
        {
            return facts.Logs;
        }

        var incidents = new IncidentAggregator();
        var scans = new List<LogScan>();
        foreach (var target in facts.Inventory.Targets.GroupBy(t => t.Address.Text).Select(g => g.First()))
        {
            var listener = TargetListeners.Serving(facts, target);
            var pids = listener?.Processes.Select(p => p.Pid).ToHashSet() ?? [];
            if (listener?.Processes.FirstOrDefault(p => GunicornCommand.Is(p) && !pids.Contains(p.ParentPid)) is not { } master)
            {
                continue;
            }

            if (LogOf(master, procRoot) is not { } file)
            {
                notes.Add(new NotCollected(Fact.ErrorLog, $"gunicorn pid {master.Pid.ToString(CultureInfo.InvariantCulture)} on {target.Address.Text} logs to no file ngxdoctor can read (journald or a pipe): its worker timeouts and deaths were not read"));
                continue;
            }

            if (WhyNot(file, master) is { } why)
            {
                notes.Add(new NotCollected(Fact.ErrorLog, $"gunicorn pid {master.Pid.ToString(CultureInfo.InvariantCulture)}'s log {file}: {why}"));
                continue;
            }

            scans.Add(Scan(file, target.Address.Text, logs.Now - logs.Since, logs.Now, incidents));
        }

        return scans.Count == 0 ? logs : logs with { Files = [.. logs.Files, .. scans], Incidents = [.. logs.Incidents, .. incidents.Incidents()] };
    }

    private static string? LogOf(ProcessInfo master, string procRoot)
    {
        var named = GunicornCommand.Option(master, "--error-logfile") ?? GunicornCommand.Option(master, "--log-file");
        if (named is { } n && n != "-")
        {
            return Path.IsPathRooted(n) ? n : null;
        }

        try
        {
            var stderr = new FileInfo(Path.Combine(procRoot, master.Pid.ToString(CultureInfo.InvariantCulture), "fd", "2")).LinkTarget;
            return stderr is not null && stderr.StartsWith('/') && !stderr.StartsWith("/dev/", StringComparison.Ordinal) && !stderr.EndsWith(" (deleted)", StringComparison.Ordinal) ? stderr : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? WhyNot(string file, ProcessInfo master)
    {
        var status = UnixFileStatus.Of(file, followSymlinks: false);
        return !status.Exists ? "not there"
            : status.Kind != UnixFileKind.Regular ? "not a regular file: not read"
            : master.Uid != 0 && !FileTrust.ReadableBy(file, new FileAccessor(master.Uid, uint.MaxValue - 1, [])) ? $"uid {master.Uid.ToString(CultureInfo.InvariantCulture)}, whose process names it, may not read it: not read"
            : null;
    }

    private static LogScan Scan(string path, string upstream, DateTime since, DateTime until, IncidentAggregator incidents) =>
        LogWindow.Scan(path, path, "gunicorn", since, until, GunicornLogParser.Parse, e => e.Time, (e, line) =>
        {
            if (GunicornLogParser.Classify(e) is { } c)
            {
                incidents.Add(c, upstream, e.Time, path, line.Number, line.Text);
            }
        });
}
