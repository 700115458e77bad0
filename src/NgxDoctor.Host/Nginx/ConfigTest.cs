using NgxDoctor.Config;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Nginx;

/// <summary>`nginx -t` of an instance, as diagnose and fix's transaction run it.</summary>
public static class ConfigTest
{
    /// <summary>`nginx -t` with the instance's binary, -c, -p and -g, in a sandbox where what it writes does not stay (<see cref="ConfigTestSandbox"/>).</summary>
    public static async Task<ConfigTestResult?> RunAsync(LocatedInstance located, NginxConfig config, bool isRoot, List<NotCollected> notes, CancellationToken ct)
    {
        if (WhyNotRun(located.Binary, isRoot) is { } notRun)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, notRun));
            return null;
        }

        var binary = located.Binary!;
        var args = Arguments(located, binary);
        var (r, failed) = await SandboxedAsync(located, config, binary, args, ct).ConfigureAwait(false);
        if (r is null)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, failed!));
            return null;
        }

        var line = binary.Path + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
        if (r.TimedOut)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, $"{line} did not finish in time"));
            return null;
        }

        return new ConfigTestResult(line, r.ExitCode, r.Output);
    }

    private static string? WhyNotRun(NginxBinary? binary, bool isRoot) =>
        binary is null ? "no nginx binary found to run nginx -t"
        : FileTrust.WhyNotRunnable(binary.Path) is { } refused ? $"nginx -t not run: {refused}"
        : !isRoot ? "nginx -t not run: it would create nginx's logs, pid file and temp directories; as root ngxdoctor runs it in a private mount namespace where nothing it writes stays"
        : null;

    /// <summary>
    /// A new 0700 directory in the instance's own /var/tmp (reached through its root), which every user may write to:
    /// a name that exists already, or that comes out not as ngxdoctor's own directory, is refused.
    /// </summary>
    private static DirectoryInfo Scratch(Namespaces.InstanceRoot view)
    {
        var dir = Path.Combine(view.Map("/var/tmp"), "ngxdoctor-nginx-t-" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(16, lowercase: true));
        if (UnixFileStatus.Of(dir, followSymlinks: false).Exists)
        {
            throw new IOException($"{dir} exists already");
        }

        var made = Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var status = UnixFileStatus.Of(dir, followSymlinks: false);
        return status.Kind == UnixFileKind.Directory && status.Uid == FileTrust.EffectiveUid && (status.Mode & 0x3f) == 0
            ? made
            : throw new IOException($"{dir} is not ngxdoctor's own directory");
    }

    /// <summary>-t -c, and the instance's -p and -g as its master was started with; errors to stderr where the binary can.</summary>
    private static List<string> Arguments(LocatedInstance located, NginxBinary binary)
    {
        var args = new List<string> { "-t", "-c", located.ConfigFile };
        if (located.Instance?.Prefix is { } prefix)
        {
            args.AddRange(["-p", prefix]);
        }

        foreach (var g in located.Instance?.Globals ?? [])
        {
            args.AddRange(["-g", g]);
        }

        if (binary.SupportsErrorLogFlag)
        {
            args.AddRange(["-e", "stderr"]);
        }

        return args;
    }

    /// <summary>The run in its private mount namespace, or why it could not be had (then nginx -t is not run at all: it would write nginx's files).</summary>
    private static async Task<(CommandResult? Result, string? Why)> SandboxedAsync(LocatedInstance located, NginxConfig config, NginxBinary binary, List<string> args, CancellationToken ct)
    {
        // In a private mount namespace its paths are read through its root, and the scratch directory is made where it sees it.
        var mounts = located.PrivateMounts;
        var view = located.From.Root;
        DirectoryInfo scratch;
        try
        {
            scratch = mounts is null ? Directory.CreateTempSubdirectory("ngxdoctor-nginx-t-") : Scratch(view);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"nginx -t not run: no scratch directory for its sandbox ({e.Message})");
        }

        try
        {
            var root = located.Instance?.Prefix ?? binary.Prefix ?? Path.GetDirectoryName(located.ConfigFile) ?? "/";
            var inside = mounts is null ? scratch.FullName : "/var/tmp/" + scratch.Name;
            var (file, sandboxed, why) = ConfigTestSandbox.Command(config, binary, root, inside, binary.Path, args, view.Map, mounts);
            if (file is null)
            {
                return (null, $"nginx -t not run: it would write nginx's files and no private mount namespace could keep them: {why}");
            }

            var r = await CommandRunner.RunAsync(file, sandboxed, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            return ConfigTestSandbox.Failure(r) is { } failed
                ? (null, $"nginx -t not run: no private mount namespace for it ({failed}), and run as is it would write nginx's files")
                : (r, null);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
