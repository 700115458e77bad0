using NgxDoctor.Config;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Nginx;

/// <summary>`nginx -t` of an instance, as diagnose and fix's transaction run it.</summary>
public static class ConfigTest
{
    /// <summary>`nginx -t` with the instance's binary, -c, -p and -g, in a sandbox where what it writes does not stay (<see cref="ConfigTestSandbox"/>).</summary>
    public static async Task<ConfigTestResult?> RunAsync(LocatedInstance located, NginxConfig config, bool isRoot, List<NotCollected> notes, CancellationToken ct)
    {
        if (located.Binary is not { } binary)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, "no nginx binary found to run nginx -t"));

            return null;
        }

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

        if (FileTrust.WhyNotRunnable(binary.Path) is { } refused)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, $"nginx -t not run: {refused}"));

            return null;
        }

        if (!isRoot)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, "nginx -t not run: it would create nginx's logs, pid file and temp directories; as root ngxdoctor runs it in a private mount namespace where nothing it writes stays"));

            return null;
        }

        var scratch = Directory.CreateTempSubdirectory("ngxdoctor-nginx-t-");
        CommandResult r;
        try
        {
            var root = located.Instance?.Prefix ?? binary.Prefix ?? Path.GetDirectoryName(located.ConfigFile) ?? "/";
            var (file, sandboxed, why) = ConfigTestSandbox.Command(config, binary, root, scratch.FullName, binary.Path, args);
            if (file is null)
            {
                notes.Add(new NotCollected(Fact.ConfigTest, $"nginx -t not run: it would write nginx's files and no private mount namespace could keep them: {why}"));

                return null;
            }

            r = await CommandRunner.RunAsync(file, sandboxed, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        if (ConfigTestSandbox.Failure(r) is { } failed)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, $"nginx -t not run: no private mount namespace for it ({failed}), and run as is it would write nginx's files"));

            return null;
        }

        r = r with { CommandLine = binary.Path + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)) };

        if (r.TimedOut)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, $"{r.CommandLine} did not finish in time"));

            return null;
        }

        if (r.ExitCode != 0 && !isRoot && r.Output.Contains("Permission denied", StringComparison.Ordinal))
        {
            notes.Add(new NotCollected(Fact.ConfigTest, "nginx -t needs root here (it opens logs and the pid file): run ngxdoctor as root"));

            return null;
        }

        return new ConfigTestResult(r.CommandLine, r.ExitCode, r.Output);
    }
}
