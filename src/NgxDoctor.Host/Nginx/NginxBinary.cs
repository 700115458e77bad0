using System.Text.RegularExpressions;

namespace NgxDoctor.Host.Nginx;

/// <summary>An nginx executable and what `nginx -V` says it was built with.</summary>
public sealed partial record NginxBinary(string Path, string? Version, string? ConfPath, string? Prefix)
{
    public string? ErrorLogPath { get; init; }

    /// <summary>The access log nginx writes (combined) when the configuration has no access_log at all.</summary>
    public string? HttpLogPath { get; init; }

    /// <summary>The compiled-in pid file, lock file and temp directories (--pid-path, --lock-path, --http-*-temp-path): paths `nginx -t` writes.</summary>
    public IReadOnlyList<string> WrittenPaths { get; init; } = [];

    /// <summary>Why `-V` was not run (a binary another user could have written); such a binary is never run.</summary>
    public string? Refused { get; init; }

    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Names the nginx binary to use when none runs (tests and unusual installs).</summary>
    public const string OverrideVariable = "NGXDOCTOR_NGINX";

    public static string? Locate(string? preferred = null)
    {
        if (preferred is not null && File.Exists(preferred))
        {
            return preferred;
        }

        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } chosen)
        {
            return File.Exists(chosen) ? chosen : null;
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin", "/sbin"]);
        return dirs.Select(d => System.IO.Path.Combine(d, "nginx")).FirstOrDefault(File.Exists);
    }

    public static async Task<NginxBinary?> InspectAsync(string? path, CancellationToken ct = default)
    {
        if (path is null)
        {
            return null;
        }

        var r = await CommandRunner.RunAsync(path, ["-V"], VersionTimeout, ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            return new NginxBinary(path, null, null, null) { Refused = r.Refused };
        }

        return new NginxBinary(path, Match(VersionPattern(), r.Output), Match(ConfPathPattern(), r.Output), Match(PrefixPattern(), r.Output))
        {
            ErrorLogPath = Match(ErrorLogPattern(), r.Output),
            HttpLogPath = Match(HttpLogPattern(), r.Output),
            WrittenPaths = WrittenPathPattern().Matches(r.Output).Select(m => m.Groups[1].Value).ToList(),
        };
    }

    /// <summary>nginx 1.19.5 and later take -e to send start-up errors somewhere other than the built-in error log.</summary>
    public bool SupportsErrorLogFlag => Version is null || System.Version.TryParse(Version, out var v) && v >= new System.Version(1, 19, 5);

    private static string? Match(Regex r, string text)
    {
        var m = r.Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"nginx/(\d+\.\d+\.\d+)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"--conf-path=(\S+)")]
    private static partial Regex ConfPathPattern();

    [GeneratedRegex(@"--error-log-path=(\S+)")]
    private static partial Regex ErrorLogPattern();

    [GeneratedRegex(@"--http-log-path=(\S+)")]
    private static partial Regex HttpLogPattern();

    [GeneratedRegex(@"--(?:pid-path|lock-path|http-[a-z-]+-temp-path)=(\S+)")]
    private static partial Regex WrittenPathPattern();

    [GeneratedRegex(@"--prefix=(\S+)")]
    private static partial Regex PrefixPattern();
}
