using System.Diagnostics;
using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>The watch as a service: the shipped unit is one systemd accepts, the shipped settings file one watch runs with.</summary>
public sealed class WatchServiceScenarios
{
    private static readonly string Dist = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../dist/systemd"));

    [SkippableFact]
    public void The_shipped_unit_passes_systemd_analyze_verify_without_a_warning()
    {
        Skip.IfNot(File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is not installed");
        var unit = Path.Combine(Directory.CreateTempSubdirectory("ngxdoctor-unit-").FullName, "ngxdoctor-watch.service");
        using var cleanup = new TempDir(Path.GetDirectoryName(unit)!);
        // The unit names the installed binary; here it is the one under test.
        File.WriteAllText(unit, File.ReadAllText(Path.Combine(Dist, "ngxdoctor-watch.service")).Replace("/usr/bin/ngxdoctor", string.Join(' ', NgxDoctorCli.Command), StringComparison.Ordinal));
        using var verify = Process.Start(new ProcessStartInfo("/usr/bin/systemd-analyze", ["verify", unit]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = verify.StandardError.ReadToEnd() + verify.StandardOutput.ReadToEnd();
        Assert.True(verify.WaitForExit(60_000) && verify.ExitCode == 0 && errors.Trim().Length == 0, errors);
    }

    [SkippableFact]
    public async Task The_shipped_settings_file_runs_the_watch_and_the_command_line_wins_over_it()
    {
        using var lab = new ScenarioLab();
        var (port, metricsPort) = (ScenarioLab.FreePort(), ScenarioLab.FreePort());
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-settings-").FullName;
        using var cleanup = new TempDir(dir);
        var settings = Path.Combine(dir, "watch.conf");
        File.WriteAllText(settings, File.ReadAllText(Path.Combine(Dist, "watch.conf"))
            .Replace("# config = /etc/nginx/nginx.conf", $"config = {lab.Nginx.ConfigFile}", StringComparison.Ordinal)
            .Replace("failures = 3", "failures = 1000", StringComparison.Ordinal)
            .Replace("127.0.0.1:9464", $"127.0.0.1:{ScenarioLab.Str(metricsPort)}", StringComparison.Ordinal)
            + "no-bundles = true\n");
        var watch = Task.Run(() => NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string>(),
            ["watch", "--settings", settings, "--failures", "2", "--json", "--duration", "5s"]));
        await Task.Delay(2000);
        Assert.All(await lab.GetAsync("/", 2), s => Assert.Equal(502, s));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ScenarioLab.Str(metricsPort)}/metrics"));
        Assert.Contains("ngxdoctor_upstream_errors_total", metrics, StringComparison.Ordinal);

        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var started = JsonDocument.Parse(run.Stdout.Split('\n')[0]).RootElement;
        Assert.Equal(("started", 2, JsonValueKind.Null), (started.GetProperty("event").GetString(), started.GetProperty("count").GetInt32(), started.GetProperty("bundle").ValueKind));

        File.AppendAllText(settings, "no-such-option = 1\n");
        var bad = NgxDoctorCli.Run(TimeSpan.FromSeconds(30), "watch", "--settings", settings, "--duration", "1s");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("\"no-such-option\" is not an option of watch", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", bad.Stderr, StringComparison.Ordinal);
    }
}
