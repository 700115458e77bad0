namespace NgxDoctor.Config.Logs;

/// <summary>
/// Every `error_log` and `access_log` of a configuration, with the `log_format` each access log uses.
/// Relative paths are resolved against nginx's prefix (not the configuration's directory), as nginx does.
/// </summary>
public static class LogDiscovery
{
    /// <summary>nginx's built-in `combined` format.</summary>
    public const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    public static LogTargets Find(NginxConfig config, string prefix)
    {
        var formats = new Dictionary<string, (string Format, string Escape)>(StringComparer.Ordinal) { ["combined"] = (Combined, "default") };
        foreach (var (d, _) in config.Walk())
        {
            if (d.Name == "log_format" && d.Args.Count >= 2)
            {
                var escape = d.Arg(1).StartsWith("escape=", StringComparison.Ordinal) ? d.Arg(1)[7..] : "default";
                var first = escape == "default" ? 1 : 2;
                formats.TryAdd(d.Arg(0), (string.Concat(d.Args.Skip(first).Select(a => a.Value)), escape));
            }
        }

        var errors = new List<ErrorLogTarget>();
        var access = new List<AccessLogTarget>();
        var off = new List<string>();
        foreach (var (d, ancestors) in config.Walk())
        {
            var context = Context(ancestors);
            if (d.Name == "error_log" && d.Args.Count >= 1)
            {
                errors.Add(new ErrorLogTarget(Resolve(d.Arg(0), prefix), d.Args.Count > 1 ? d.Arg(1) : "error", context, d.Pos));
            }
            else if (d.Name == "access_log" && d.Args.Count >= 1)
            {
                if (d.Arg(0) == "off")
                {
                    off.Add($"{context} at {d.Pos}");
                    continue;
                }

                var name = d.Args.Count > 1 && !d.Arg(1).Contains('=', StringComparison.Ordinal) ? d.Arg(1) : "combined";
                var (format, escape) = formats.TryGetValue(name, out var f) ? f : ("", "default");
                var parameters = d.Args.Skip(name == "combined" && (d.Args.Count < 2 || d.Arg(1).Contains('=', StringComparison.Ordinal)) ? 1 : 2).Select(a => a.Value).ToList();
                access.Add(new AccessLogTarget(Resolve(d.Arg(0), prefix), name, format, escape, parameters, context, d.Pos));
            }
        }

        return new LogTargets(Distinct(errors), access.GroupBy(a => a.Path).Select(g => g.First()).ToList(), off);
    }

    private static List<ErrorLogTarget> Distinct(List<ErrorLogTarget> list) => list.GroupBy(e => e.Path).Select(g => g.First()).ToList();

    private static string Resolve(string path, string prefix) =>
        path.StartsWith('/') || !new ErrorLogTarget(path, "", "", null).IsFile ? path : Path.GetFullPath(Path.Combine(prefix, path));

    private static string Context(IReadOnlyList<Directive> ancestors)
    {
        if (ancestors.Count == 0)
        {
            return "main";
        }

        var server = ancestors.LastOrDefault(a => a.Name == "server");
        var location = ancestors.LastOrDefault(a => a.Name == "location");
        var name = server?.Block?.FirstOrDefault(x => x.Name == "server_name")?.Arg(0);
        return location is not null ? $"location {string.Join(' ', location.Args.Select(a => a.Value))}" + (name is null ? "" : $" of {name}")
            : server is not null ? $"server {name ?? ""}".Trim()
            : ancestors[^1].Name;
    }
}
