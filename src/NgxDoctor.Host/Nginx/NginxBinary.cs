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

        return Parse(path, r.Output);
    }

    /// <summary>
    /// What `nginx -V` would print, read from the binary's bytes (its version and configure arguments are string
    /// constants in it), for a binary that must not be run; <paramref name="name"/> is how it is shown.
    /// </summary>
    public static NginxBinary? Read(string file, string name)
    {
        const int MaxBytes = 64 << 20;
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists || info.Length > MaxBytes)
            {
                return null;
            }

            var text = System.Text.Encoding.Latin1.GetString(Config.RegularFile.ReadAllBytes(file, MaxBytes));
            var configure = ConfigureArguments().Match(text);
            var version = VersionPattern().Match(text);
            return Parse(name, (version.Success ? version.Value + "\n" : "") + (configure.Success ? configure.Value : ""));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static NginxBinary Parse(string path, string output) =>
        new(path, Match(VersionPattern(), output), Match(ConfPathPattern(), output), Match(PrefixPattern(), output))
        {
            ErrorLogPath = Match(ErrorLogPattern(), output),
            HttpLogPath = Match(HttpLogPattern(), output),
            WrittenPaths = WrittenPathPattern().Matches(output).Select(m => m.Groups[1].Value).ToList(),
        };

    [GeneratedRegex(@"--prefix=[^\x00]*?--conf-path=[^\x00]*")]
    private static partial Regex ConfigureArguments();

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
