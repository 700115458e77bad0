using System.Security.Cryptography;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Every command but `fix --apply` changes nothing on disk, `nginx -t` included (it creates logs, the pid file and
/// temp directories, and chowns them, when run as root): every file and directory's stat and hash before and after.
/// </summary>
public sealed class ReadOnlyScenarios
{
    /// <summary>Path, kind, owner, group, mode, size, mtime and (for files) sha256 of everything under a directory, itself included.</summary>
    private static string Stat(string root)
    {
        var sb = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root).Order(StringComparer.Ordinal))
        {
            var s = UnixFileStatus.Of(path, followSymlinks: false);
            var info = new FileInfo(path);
            sb.Append(path).Append(' ').Append(s.Kind).Append(' ').Append(s.Uid).Append(':').Append(s.Gid).Append(' ').Append(Convert.ToString(s.Mode, 8))
              .Append(' ').Append(s.Kind == UnixFileKind.Directory ? 0 : s.Size).Append(' ').Append(s.Kind == UnixFileKind.Directory ? Directory.GetLastWriteTimeUtc(path).Ticks : info.LastWriteTimeUtc.Ticks);
            if (s.Kind == UnixFileKind.Regular)
            {
                sb.Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    [SkippableFact]
    public async Task Diagnose_logs_route_upstreams_and_collect_leave_every_file_and_directory_as_it_was()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        // What nginx -t would bring back: a deleted access log, temp directories, a pid file of its own.
        File.Delete(lab.Nginx.PathOf("logs/access.log"));
        Directory.Delete(lab.Nginx.PathOf("tmp"), recursive: true);
        Directory.CreateDirectory(lab.Nginx.PathOf("tmp"));
        var bundle = Path.Combine(Path.GetTempPath(), $"ngxdoctor-ro-{Environment.ProcessId}.tar.gz");
        var before = Stat(lab.Root);
        try
        {
            var conf = lab.Nginx.ConfigFile;
            var runs = new[]
            {
                NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf, "--json"),
                NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf, "--format", "markdown"),
                NgxDoctorCli.Run("logs", "--config", conf),
                NgxDoctorCli.Run("route", $"http://scenario.test:{ScenarioLab.Str(lab.Port)}/", "--config", conf),
                NgxDoctorCli.Run("upstreams", "--config", conf),
                NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "-o", bundle, "--config", conf),
                NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "fix", "--config", conf),
            };
            Assert.Equal(before, Stat(lab.Root));
            var diagnose = runs[0];
            Assert.True(diagnose.Json.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("cause").GetString() == "upstream-down"), diagnose.ToString());
            Assert.DoesNotContain("config-test", diagnose.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [SkippableFact]
    public async Task Nginx_t_in_the_sandbox_still_reports_a_broken_configuration()
    {
        using var lab = new ScenarioLab();
        await lab.StartNginxAsync(lab.Server("location / { return 200; }"));
        // The worker logs the readiness check's closed connection a moment after start: the tree is taken once it is still.
        var before = Stat(lab.Root);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(300);
            var again = Stat(lab.Root);
            if (again == before)
            {
                break;
            }

            before = again;
        }

        File.AppendAllText(lab.Nginx.ConfigFile, "no_such_directive on;\n");
        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        var finding = ScenarioLab.Findings(run).First(f => f.GetProperty("cause").GetString() == "config-error");
        Assert.Contains("unknown directive \"no_such_directive\"", ScenarioLab.Evidence(finding), StringComparison.Ordinal);
        File.WriteAllText(lab.Nginx.ConfigFile, File.ReadAllText(lab.Nginx.ConfigFile).Replace("no_such_directive on;\n", "", StringComparison.Ordinal));
        Assert.Equal(before.Split('\n').Where(l => !l.Contains("nginx.conf", StringComparison.Ordinal) && !l.StartsWith(lab.Nginx.PathOf("conf") + " ", StringComparison.Ordinal)),
            Stat(lab.Root).Split('\n').Where(l => !l.Contains("nginx.conf", StringComparison.Ordinal) && !l.StartsWith(lab.Nginx.PathOf("conf") + " ", StringComparison.Ordinal)));
    }
}
