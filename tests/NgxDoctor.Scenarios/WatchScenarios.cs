using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`watch` on real nginx: the failure diagnosed while it happens, not after it is over.</summary>
public sealed class WatchScenarios
{
    [SkippableFact]
    public async Task A_backend_down_for_a_moment_is_diagnosed_while_it_is_down_and_its_incident_ends_when_it_is_back()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        var state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;
        using var cleanup = new TempDir(state);
        var watch = Task.Run(() => NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = state },
            ["watch", "--config", lab.Nginx.ConfigFile, "--json", "--duration", "12s", "--window", "2s"]));
        await Task.Delay(2000); // the watch has located nginx and opened its error log at its end
        Assert.All(await lab.GetAsync("/", 4), status => Assert.Equal(502, status));
        await Task.Delay(4000); // down while the watch diagnoses
        await lab.StartFakeAsync(port, "ok");
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);

        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count == 2, run.ToString());
        var started = lines[0];
        Assert.Equal(("started", $"127.0.0.1:{ScenarioLab.Str(port)}", "upstream-down", "critical"),
            (started.GetProperty("event").GetString(), started.GetProperty("upstream").GetString(), started.GetProperty("cause").GetString(), started.GetProperty("status").GetString()));
        // From the failing lines to a verdict: within the probe timeout (2 s) and a second.
        Assert.True(started.GetProperty("diagnosedInMs").GetDouble() < 3000, run.Stdout);
        var finding = started.GetProperty("findings")[0];
        Assert.Equal("upstream-down", finding.GetProperty("cause").GetString());
        Assert.Contains(finding.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("refused", StringComparison.Ordinal));
        Assert.Equal(("ended", 4), (lines[1].GetProperty("event").GetString(), lines[1].GetProperty("count").GetInt32()));

        // The one-shot diagnose after it is back sees only that it is over; the incident's bundle still says what it was.
        Assert.Equal("warning", lab.Diagnose(snapshot).Json.GetProperty("status").GetString());
        var bundle = started.GetProperty("bundle").GetString()!;
        Assert.StartsWith(Path.Combine(state, "incidents"), bundle, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundle));
        var later = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--from", bundle, "--json");
        Assert.True(later.Json.GetProperty("status").GetString() == "critical", later.ToString());
        Assert.Equal("upstream-down", ScenarioLab.Findings(later)[0].GetProperty("cause").GetString());
    }

    [SkippableFact]
    public async Task SIGTERM_during_an_incident_writes_its_end_before_the_watch_exits()
    {
        using var lab = new ScenarioLab();
        var (exit, ended) = await WatchUntilTermAsync(lab, () => Task.CompletedTask);
        Assert.Equal(2, exit);
        Assert.Equal(("ended", 4), (ended.GetProperty("event").GetString(), ended.GetProperty("count").GetInt32()));
    }

    [SkippableFact]
    public async Task Failures_logged_across_a_rename_rotation_with_reopen_and_a_copytruncate_are_each_counted_once()
    {
        using var lab = new ScenarioLab();
        var log = lab.Nginx.PathOf("logs/error.log");
        var (exit, ended) = await WatchUntilTermAsync(lab, async () =>
        {
            File.Move(log, log + ".1");
            Signal("-USR1", lab.Nginx.Nginx!.Pid); // nginx -s reopen
            for (var i = 0; i < 50 && !File.Exists(log); i++)
            {
                await Task.Delay(50);
            }

            Assert.All(await lab.GetAsync("/", 3), status => Assert.Equal(502, status));
            await Task.Delay(500);
            File.Copy(log, log + ".1", overwrite: true);
            using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncate.SetLength(0);
            }

            Assert.All(await lab.GetAsync("/", 3), status => Assert.Equal(502, status));
        });
        Assert.Equal(2, exit);
        Assert.Equal(4 + 3 + 3, ended.GetProperty("count").GetInt32());
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [signal, ScenarioLab.Str(pid)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>nginx to a dead port; a watch; 4 failures start an incident; then <paramref name="during"/>; SIGTERM; the exit code and the incident's end.</summary>
    private static async Task<(int Exit, JsonElement Ended)> WatchUntilTermAsync(ScenarioLab lab, Func<Task> during)
    {
        var port = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        using var watch = System.Diagnostics.Process.Start(NgxDoctorCli.StartInfo(["watch", "--config", lab.Nginx.ConfigFile, "--json", "--no-bundles", "--window", "60s"]))!;
        try
        {
            await Task.Delay(2000);
            Assert.All(await lab.GetAsync("/", 4), status => Assert.Equal(502, status));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var first = await watch.StandardOutput.ReadLineAsync(wait.Token);
            Assert.Equal("started", JsonDocument.Parse(first!).RootElement.GetProperty("event").GetString());
            await during();
            await Task.Delay(1000); // the watch polls every 200 ms
            Signal("-TERM", watch.Id);
            var rest = await watch.StandardOutput.ReadToEndAsync(wait.Token);
            await watch.WaitForExitAsync(wait.Token);
            Assert.True(rest.Trim().Length > 0, $"exit {watch.ExitCode}, nothing after the start: {await watch.StandardError.ReadToEndAsync(wait.Token)}");
            return (watch.ExitCode, JsonDocument.Parse(rest.Trim()).RootElement.Clone());
        }
        finally
        {
            if (!watch.HasExited)
            {
                watch.Kill(entireProcessTree: true);
            }
        }
    }
}

/// <summary>A directory the test made, removed when it ends (also when it fails).</summary>
internal sealed class TempDir(string path) : IDisposable
{
    public void Dispose() => Directory.Delete(path, true);
}
