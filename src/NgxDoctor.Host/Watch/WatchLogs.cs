using NgxDoctor.Config;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Watch;

/// <summary>A log a watch follows: an error log (no parser) or an access log with the parser of its log_format.</summary>
public sealed record FollowedLog(LogFollower Follower, AccessLineParser? Access);

/// <summary>
/// The files a watch follows: every error and access log of the instance that is a plain file (through its root for
/// a container). A log that is nginx's stdout/stderr, syslog or a variable path is named in the notes, not followed.
/// </summary>
public static class WatchLogs
{
    public static List<FollowedLog> Open(NginxConfig config, LocatedInstance located, List<string> notes)
    {
        var distrust = LogCollector.Distrust(located);
        var root = located.From.Root;
        var logs = new List<FollowedLog>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        bool Plain(string path, string context)
        {
            if (!Path.IsPathRooted(path) || root.StdioOf(path) is not null)
            {
                notes.Add($"{path} ({context}) is not a plain file: not followed");
                return false;
            }

            return paths.Add(root.Map(path));
        }

        foreach (var target in LogCollector.ErrorLogs(config, located).Where(t => Plain(t.Path, t.Context)))
        {
            logs.Add(new FollowedLog(new LogFollower(root.Map(target.Path), distrust: distrust), null));
        }

        foreach (var target in LogCollector.AccessLogs(config, located))
        {
            var parser = new AccessLineParser(LogFormat.Compile(target.Format, target.Escape));
            if (!target.IsFile || target.IsGzip || !parser.HasStatus)
            {
                notes.Add($"{target.Path} ({target.Context}): {(parser.HasStatus ? "not a plain file" : $"log_format {target.FormatName} does not log $status")}: not followed");
                continue;
            }

            if (Plain(target.Path, target.Context))
            {
                logs.Add(new FollowedLog(new LogFollower(root.Map(target.Path), distrust: distrust), parser));
            }
        }

        notes.AddRange(logs.Where(f => f.Follower.Problem is not null).Select(f => f.Follower.Problem!));
        if (!logs.Any(l => l.Access is null))
        {
            notes.Add("no error log file to follow");
        }

        return logs;
    }

    /// <summary>A request as the access line logged it; null for a line the format does not match.</summary>
    public static RequestEvent? Request(AccessLineParser parser, string line)
    {
        if (!parser.TryParse(line, out var f))
        {
            return null;
        }

        var upstream = AccessRecord.Last(AccessLineParser.Text(line, f.UpstreamAddr)) ?? "";
        return new RequestEvent(f.Time ?? DateTime.Now, upstream, f.Status, AccessRecord.Seconds(AccessLineParser.Text(line, f.UpstreamResponseTime)));
    }
}
