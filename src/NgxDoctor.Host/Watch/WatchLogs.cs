using NgxDoctor.Config;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Watch;

/// <summary>A log a watch follows: an error log (no parser) or an access log with the parser of its log_format.</summary>
/// <param name="Decode">For a container runtime's log: nginx's line in the runtime's one (null: not nginx's stream, or a part).</param>
public sealed record FollowedLog(ILineSource Follower, AccessLineParser? Access, Func<string, string?>? Decode = null)
{
    public IEnumerable<string> Poll() => Decode is null ? Follower.Poll() : Follower.Poll().Select(Decode).OfType<string>();
}

/// <summary>
/// The logs a watch follows: every error and access log of the instance that is a file (through its root for a
/// container), and nginx's stdout/stderr where they are a file or a container runtime's log (Docker's json-file, CRI),
/// decoded line by line; `error_log syslog:` to this host's journal through `journalctl -f`. Other syslog servers and
/// paths with variables are named in the notes, not followed.
/// </summary>
public static class WatchLogs
{
    public static List<FollowedLog> Open(NginxConfig config, LocatedInstance located, List<string> notes)
    {
        var distrust = LogCollector.Distrust(located);
        var opener = Security.AsUser.Opener(Security.AsUser.MasterOf(located));
        var logs = new List<FollowedLog>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var places = new LogPlaces(located);
        FollowedLog? Follow(string path, string context, AccessLineParser? access)
        {
            var found = new List<Core.Facts.NotCollected>();
            if (path.StartsWith("syslog:", StringComparison.Ordinal))
            {
                var tag = places.JournalTag(path, Core.Facts.Fact.ErrorLog, found);
                notes.AddRange(found.Select(n => n.Reason));
                return tag is not null && access is null && seen.Add("journal " + tag) ? new FollowedLog(new JournalFollower(tag), null) : null;
            }

            var source = Path.IsPathRooted(path) || path == "stderr" ? places.Find(path, access is null ? Core.Facts.Fact.ErrorLog : Core.Facts.Fact.AccessLog, found) : null;
            notes.AddRange(found.Select(n => n.Reason));
            return source switch
            {
                LogPlace p when seen.Add(p.File) => new FollowedLog(new LogFollower(p.File, distrust: distrust, opener: opener), access),
                RuntimeLog r when seen.Add($"{r.File} {r.Stream}") => new FollowedLog(new LogFollower(r.File), access, Decoder(r)),
                null when found.Count == 0 => Note($"{path} ({context}) is not a file: not followed"),
                _ => null,
            };
        }

        FollowedLog? Note(string text)
        {
            notes.Add(text);
            return null;
        }

        foreach (var target in LogCollector.ErrorLogs(config, located))
        {
            if (Follow(target.Path, target.Context, null) is { } log)
            {
                logs.Add(log);
            }
        }

        foreach (var target in LogCollector.AccessLogs(config, located))
        {
            var parser = new AccessLineParser(LogFormat.Compile(target.Format, target.Escape));
            if (!target.IsFile || target.IsGzip || !parser.HasStatus)
            {
                notes.Add($"{target.Path} ({target.Context}): {(parser.HasStatus ? "not a plain file" : $"log_format {target.FormatName} does not log $status")}: not followed");
                continue;
            }

            if (Follow(target.Path, target.Context, parser) is { } log)
            {
                logs.Add(log);
            }
        }

        notes.AddRange(logs.Where(f => f.Follower.Problem is not null).Select(f => f.Follower.Problem!));
        if (!logs.Any(l => l.Access is null))
        {
            notes.Add("no error log file to follow");
        }

        return logs;
    }

    private static Func<string, string?> Decoder(RuntimeLog log)
    {
        if (log.Format == RuntimeLogFormat.DockerJson)
        {
            return line => RuntimeLogDecoder.DockerLine(line, log.Stream) is { Length: > 0 } text ? text : null;
        }

        var partial = new System.Text.StringBuilder();
        return line => RuntimeLogDecoder.CriLine(line, log.Stream, partial) is { Length: > 0 } text ? text : null;
    }

    /// <summary>A request as the access line logged it; null for a line the format does not match.</summary>
    public static RequestEvent? Request(AccessLineParser parser, string line)
    {
        if (!parser.TryParse(line, out var f))
        {
            return null;
        }

        var upstream = AccessRecord.Last(AccessLineParser.Text(line, f.UpstreamAddr)) ?? "";
        return new RequestEvent(f.Time ?? DateTime.Now, upstream, f.Status, AccessRecord.Seconds(AccessLineParser.Text(line, f.UpstreamResponseTime)))
        {
            Key = (AccessLineParser.Text(line, f.Client), AccessLineParser.Text(line, f.Request)),
            UpstreamLogged = f.UpstreamAddrLogged,
        };
    }
}
