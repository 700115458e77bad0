using NgxDoctor.Config;
using NgxDoctor.Config.Logs;
using NgxDoctor.Config.Routing;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>Finds the instance's error logs and reads the window of each into incidents.</summary>
public static class LogCollector
{
    public static LogFacts Collect(NginxConfig config, LocatedInstance located, DateTime now, TimeSpan since, List<NotCollected> notes) =>
        Collect(config, located, now, since, notes, [], null, out _);

    /// <summary>nginx's logs, and those of the running PHP-FPM masters (whose entries join nginx's under the pool's address).</summary>
    /// <remarks>An nginx whose master runs as another user has its logs opened with that user's rights.</remarks>
    public static LogFacts Collect(NginxConfig config, LocatedInstance located, DateTime now, TimeSpan since, List<NotCollected> notes,
        IReadOnlyList<ProcessInfo> processes, Config.Upstreams.UpstreamInventory? inventory, out IReadOnlyList<FpmInstance> phpFpm)
    {
        IReadOnlyList<FpmInstance> fpm = [];
        var facts = RegularFile.With(Security.AsUser.Opener(Security.AsUser.MasterOf(located)), () =>
        {
            var read = CollectAll(config, located, now, since, notes, processes, inventory, out var found);
            fpm = found;
            return read;
        });
        phpFpm = fpm;
        return facts;
    }

    private static LogFacts CollectAll(NginxConfig config, LocatedInstance located, DateTime now, TimeSpan since, List<NotCollected> notes,
        IReadOnlyList<ProcessInfo> processes, Config.Upstreams.UpstreamInventory? inventory, out IReadOnlyList<FpmInstance> phpFpm)
    {
        var prefix = Prefix(located);
        var targets = LogDiscovery.Find(config, prefix);
        var errorLogs = ErrorLogs(targets, located, prefix);

        var reader = Reader(located);
        var master = Security.AsUser.MasterOf(located);
        using var places = new LogPlaces(located);
        LogPlace? Place(string path, string context, Fact key) =>
            places.Of(path, key, notes) is { } p && !Undisclosable(p.File, $"{p.ShownAs}, {context}", reader, master, located.Instance?.MasterPid, key, notes) ? p : null;
        var incidents = new IncidentAggregator();
        var failures = targets.AccessLogs.Count > 0 ? new FailureKeys() : null;
        var scans = new List<LogScan>();
        foreach (var target in errorLogs)
        {
            if (target.Path.StartsWith("syslog:", StringComparison.Ordinal))
            {
                if (places.OfSyslog(target.Path, now - since, Fact.ErrorLog, notes) is { } journal)
                {
                    scans.Add(ErrorLogScanner.Scan(journal.File, now - since, now, incidents, failures, shownAs: journal.ShownAs, zone: NginxTimeZone.Of(located, "", notes)));
                }

                continue;
            }

            if (!target.IsFile && target.Path != "stderr")
            {
                notes.Add(new NotCollected(Fact.ErrorLog, $"{target.Path} ({target.Context}) is not a file and cannot be read back"));
                continue;
            }

            if (Place(target.Path, target.Context, Fact.ErrorLog) is not { } place)
            {
                continue;
            }

            var scan = ErrorLogScanner.Scan(place.File, now - since, now, incidents, failures, shownAs: place.ShownAs, zone: NginxTimeZone.Of(located, place.File, notes));
            scans.Add(scan);
            if (scan.Problem is not null)
            {
                notes.Add(new NotCollected(Fact.ErrorLog, scan.Problem));
            }
        }

        if (errorLogs.Count == 0)
        {
            notes.Add(new NotCollected(Fact.ErrorLog, "no error_log is configured and the binary's default is unknown"));
        }

        var readable = scans.Count > 0 && scans.All(x => x.Problem is null);
        phpFpm = inventory is null ? [] : PhpFpmCollector.Collect(processes, inventory, now - since, now, incidents, scans, notes);
        return new LogFacts(now, since, scans, incidents.Incidents())
        {
            Access = CollectAccess(WithDefaultAccessLog(targets, located, prefix), now, since, readable ? failures : null, notes, config, (path, context) => Place(path, context, Fact.AccessLog), new SourceDocumentFiles(located.ConfigSource)),
        };
    }

    private static string Prefix(LocatedInstance located) => located.Instance?.Prefix ?? located.Binary?.Prefix ?? Path.GetDirectoryName(located.ConfigFile) ?? "/";

    /// <summary>The error logs of the configuration, and the binary's compiled-in one when the main context sets none.</summary>
    public static List<ErrorLogTarget> ErrorLogs(NginxConfig config, LocatedInstance located) => ErrorLogs(LogDiscovery.Find(config, Prefix(located)), located, Prefix(located));

    private static List<ErrorLogTarget> ErrorLogs(LogTargets targets, LocatedInstance located, string prefix)
    {
        var errorLogs = targets.ErrorLogs.ToList();
        if (!errorLogs.Any(e => e.Context == "main") && located.Binary?.ErrorLogPath is { } builtIn)
        {
            // Debian's nginx is built with --error-log-path=stderr: nginx's own stderr, not a file named so.
            var path = builtIn == "stderr" || Path.IsPathRooted(builtIn) ? builtIn : Path.Combine(prefix, builtIn);
            errorLogs.Insert(0, new ErrorLogTarget(path, "error", "main (compiled-in default)", null));
        }

        return errorLogs;
    }

    /// <summary>Why a log's text may not leave ngxdoctor (quoted by `watch`), null when it may: the rule every log read here follows.</summary>
    public static Func<string, string?> Distrust(LocatedInstance located)
    {
        var reader = Reader(located);
        var master = Security.AsUser.MasterOf(located);
        return path => (FileTrust.WhyNotDisclosable(path, reader) ?? Security.AsUser.WhyNotReadable(path, master, located.Instance?.MasterPid)) is { } why ? $"{path}: {why}" : null;
    }

    /// <summary>The access logs nginx writes, with the compiled-in one when the configuration sets none.</summary>
    public static IReadOnlyList<AccessLogTarget> AccessLogs(NginxConfig config, LocatedInstance located) =>
        WithDefaultAccessLog(LogDiscovery.Find(config, Prefix(located)), located, Prefix(located)).AccessLogs;

    /// <summary>Who nginx's workers run as (a running worker's ids), whose reading rights decide which logs may be quoted.</summary>
    private static FileAccessor? Reader(LocatedInstance located) =>
        located.Instance is { WorkerPids.Count: > 0 } i && Nginx.WorkerIdentityResolver.FromProcess(i.WorkerPids[0], Proc.UserDatabase.Parse("", "")) is { } w
            ? new FileAccessor(w.Uid, w.Gid, w.Groups)
            : null;

    /// <summary>A log behind a path another user could have pointed elsewhere (a symlink to /etc/shadow) is named, never read.</summary>
    private static bool Undisclosable(string path, string context, FileAccessor? reader, FileAccessor? master, int? masterPid, Fact key, List<NotCollected> notes)
    {
        if ((FileTrust.WhyNotDisclosable(path, reader) ?? Security.AsUser.WhyNotReadable(path, master, masterPid)) is not { } why)
        {
            return false;
        }

        notes.Add(new NotCollected(key, $"{path} ({context}): {why}"));
        return true;
    }

    /// <summary>Without any access_log directive nginx writes the compiled-in access log in the combined format.</summary>
    private static LogTargets WithDefaultAccessLog(LogTargets targets, LocatedInstance located, string prefix) =>
        targets.AccessLogs.Count == 0 && targets.AccessLogsOff.Count == 0 && located.Binary?.HttpLogPath is { } path
            ? targets with
            {
                AccessLogs = [new AccessLogTarget(Path.IsPathRooted(path) ? path : Path.Combine(prefix, path), "combined", LogDiscovery.Combined, "default", [], "http (compiled-in default)", new SourcePos(located.Binary.Path, 0))],
            }
            : targets;

    /// <summary>Reads every file access log with a format that logs $status; 5xx are attributed only when the error log was read.</summary>
    /// <summary>With <paramref name="config"/>, failed requests are also counted by the location that served them.</summary>
    /// <summary><paramref name="place"/> says where a log really is (null: not to be read, a note says why); by default its own path.</summary>
    public static AccessFacts? CollectAccess(LogTargets targets, DateTime now, TimeSpan since, FailureKeys? failures, List<NotCollected> notes, NginxConfig? config = null,
        Func<string, string, LogPlace?>? place = null, IDocumentFiles? files = null)
    {
        var aggregator = new AccessAggregator(failures);
        var scans = new List<LogScan>();
        if (targets.AccessLogs.Count == 0 && targets.AccessLogsOff.Count > 0)
        {
            notes.Add(new NotCollected(Fact.AccessLog, $"access_log off ({string.Join("; ", targets.AccessLogsOff.Take(3))}): no access-log evidence"));
        }

        foreach (var target in targets.AccessLogs)
        {
            if (!target.IsFile)
            {
                notes.Add(new NotCollected(Fact.AccessLog, $"{target.Path} ({target.Context}) is not a file and cannot be read back"));
                continue;
            }

            var parser = new AccessLineParser(LogFormat.Compile(target.Format, target.Escape));
            if (!parser.HasStatus)
            {
                notes.Add(new NotCollected(Fact.AccessLog, $"{target.Path}: log_format {target.FormatName} does not log $status"));
                continue;
            }

            var where = place is null ? new LogPlace(target.Path, target.Path) : place(target.Path, target.Context);
            if (where is null)
            {
                continue;
            }

            var locator = config is null ? null : new LogLineLocator(config, target.Path, files);
            var own = new AccessAggregator(failures) { Locate = locator is { Servers: > 0 } l ? l.Locate : null, Pass = locator is { Servers: > 0 } p ? p.Pass : null };
            var scan = AccessLogScanner.Scan(where.File, parser, now - since, now, own, failures, shownAs: where.ShownAs);
            aggregator.Merge(own, 0);
            scans.Add(scan);
            if (scan.Problem is not null)
            {
                notes.Add(new NotCollected(Fact.AccessLog, scan.Problem));
            }
        }

        return scans.Count == 0 ? null : aggregator.Build(scans);
    }
}
