using System.CommandLine;

namespace NgxDoctor.Cli.Commands;

public enum OutputFormat
{
    Text,
    Json,
    Markdown,
    Nagios,
    Sarif,
    Junit,
}

/// <summary>
/// The options several commands take, defined once: the same name, description and default everywhere (where a
/// command's default differs, its description says why).
/// </summary>
public static class SharedOptions
{
    public static Option<string?> Config() => new("--config") { Description = "main nginx.conf of the instance (default: the running nginx master's, else /etc/nginx/nginx.conf)" };

    public static Option<int?> Pid() => new("--pid") { Description = "diagnose only the nginx whose master has this pid (default: every running nginx)" };

    public static Option<string?> Container() => new("--container") { Description = "diagnose only the nginx in this container (name or id prefix)" };

    public static Option<bool> Json() => new("--json") { Description = "print exactly one JSON document on stdout (same as --format json), also when exit is 3" };

    /// <summary>--format: the output format, among those the command can print.</summary>
    public static Option<string?> Format(params OutputFormat[] allowed) =>
        new("--format") { Description = $"output: {string.Join(", ", allowed.Select(Name))} (default text)" };

    /// <summary>--since; diagnose and collect count 15 minutes back as "current", logs reports on a longer stretch.</summary>
    public static Option<string> Since(string fallback = "15m", string why = "how far back log evidence counts as current") =>
        new("--since") { Description = $"{why} (e.g. 30s, 2h, 1d)", DefaultValueFactory = _ => fallback };

    public static Option<double> Timeout(string what = "the whole run") => new("--timeout") { Description = $"seconds {what} may take", DefaultValueFactory = _ => 15 };

    /// <summary>--probe-timeout; fix waits longer by default, to see the latency of a slow backend it plans a timeout for.</summary>
    public static Option<double> ProbeTimeout(double fallback = 2, string why = "") =>
        new("--probe-timeout") { Description = "seconds each connection probe may take" + why, DefaultValueFactory = _ => fallback };

    /// <summary>The output format asked for: --json or --format, refused when they disagree or the command cannot print it.</summary>
    public static OutputFormat Output(ParseResult r, Option<bool> json, Option<string?>? format, params OutputFormat[] allowed)
    {
        var given = format is null ? null : r.GetValue(format);
        var chosen = given is null ? OutputFormat.Text
            : allowed.Where(f => Name(f) == given).Cast<OutputFormat?>().FirstOrDefault()
              ?? throw new UsageException($"--format: \"{given}\" is not one of {string.Join(", ", allowed.Select(Name))}");
        if (r.GetValue(json) && given is not null && chosen != OutputFormat.Json)
        {
            throw new UsageException($"--json and --format {given} ask for two outputs: give one");
        }

        return r.GetValue(json) ? OutputFormat.Json : chosen;
    }

    /// <summary>Whether the arguments ask for JSON, so that even a failure prints one JSON document.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Contains("--json") || WantsFormat(args, "json");

    /// <summary>Whether the arguments ask for this --format (read before parsing, so that a usage error can answer in it).</summary>
    public static bool WantsFormat(IReadOnlyList<string> args, string format) =>
        args.Select((a, i) => a == "--format" && i + 1 < args.Count && args[i + 1] == format || a == "--format=" + format).Any(x => x);

    private static string Name(OutputFormat f) => f.ToString().ToLowerInvariant();
}
