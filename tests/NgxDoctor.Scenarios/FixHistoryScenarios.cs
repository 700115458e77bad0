using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// After a verified fix (issue 26): the failures logged before it are history, read from fix's journal. diagnose is not
/// critical over them, and a second fix plans nothing (it planned the same change again, bigger, each time).
/// </summary>
public sealed class FixHistoryScenarios : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    /// <param name="seconds">How long the backend takes: within the probe's 2 s, or past it (the probe then stands beside the history as a warning).</param>
    [SkippableTheory]
    [InlineData(1.5)]
    [InlineData(3.0)]
    public async Task A_verified_timeout_fix_leaves_its_old_504s_as_history_and_a_second_fix_plans_nothing(double seconds)
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", seconds);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n            proxy_read_timeout 1s;\n        }}"));
        Assert.All(await lab.GetAsync("/", 2), s => Assert.Equal(504, s));
        Assert.Equal("critical", lab.DiagnoseWithState(_state, snapshot).Json.GetProperty("status").GetString());

        var apply = lab.Fix(_state, "--apply", "--yes", "--json");
        Assert.True(apply.ExitCode == 0 && apply.Json.GetProperty("result").GetProperty("applied").GetBoolean(), apply.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        var fixedConfig = File.ReadAllText(lab.Nginx.ConfigFile);

        var after = NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = _state }, "diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.True(after.Json.GetProperty("status").GetString() is "ok" or "warning", after.ToString());
        // The 504s before the fix are history: info, titled so, unless what a probe sees now stands beside them.
        var timeouts = ScenarioLab.Findings(after).Where(f => f.GetProperty("cause").GetString() == "upstream-timeout").ToList();
        Assert.All(timeouts, f => Assert.NotEqual("critical", f.GetProperty("severity").GetString()));
        Assert.Contains(timeouts, f => f.GetProperty("title").GetString()!.Contains("before fix ", StringComparison.Ordinal)
            || f.GetProperty("severity").GetString() == "warning");

        var again = lab.Fix(_state, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0, again.Json.GetProperty("diffs").GetArrayLength());
        Assert.Equal(fixedConfig, File.ReadAllText(lab.Nginx.ConfigFile));
    }

    [SkippableFact]
    public async Task A_verified_header_buffer_fix_leaves_its_old_502s_as_history_and_a_second_fix_plans_nothing()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "bigheader");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n        }}"));
        Assert.All(await lab.GetAsync("/", 2), s => Assert.Equal(502, s));
        Assert.Equal("critical", lab.DiagnoseWithState(_state, snapshot).Json.GetProperty("status").GetString());

        await ApplyThenNothingMore(lab, "/", "header-too-big");
    }

    [SkippableFact]
    public async Task A_verified_pool_fix_leaves_its_old_502s_as_history_and_a_second_fix_plans_nothing()
    {
        using var lab = new ScenarioLab();
        var (fpm, snapshot) = await lab.StartSaturatedPoolAsync();
        Assert.Equal("critical", lab.DiagnoseWithState(_state, snapshot).Json.GetProperty("status").GetString());

        await ApplyThenNothingMore(lab, "/slow.php", "pool-exhausted");
        Assert.True(fpm.Pid > 0);
    }

    /// <summary>fix --apply succeeds; right after it diagnose is not critical over what the fix removed, and the next fix plans nothing.</summary>
    private async Task ApplyThenNothingMore(ScenarioLab lab, string path, string cause)
    {
        var apply = lab.Fix(_state, "--apply", "--yes", "--json", "--only", cause);
        Assert.True(apply.ExitCode == 0 && apply.Json.GetProperty("result").GetProperty("applied").GetBoolean(), apply.ToString());
        var files = Directory.GetFiles(lab.Nginx.PathOf("conf")).ToDictionary(f => f, File.ReadAllText);
        var until = DateTime.UtcNow.AddSeconds(10);
        while ((await lab.GetAsync(path))[0] != 200 && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
        }

        var after = NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = _state }, "diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.True(after.Json.GetProperty("status").GetString() is "ok" or "warning", after.ToString());
        Assert.All(ScenarioLab.Findings(after).Where(f => f.GetProperty("cause").GetString() == cause), f => Assert.NotEqual("critical", f.GetProperty("severity").GetString()));

        var again = lab.Fix(_state, "--json");
        Assert.True(again.ExitCode == 0 && again.Json.GetProperty("diffs").GetArrayLength() == 0, again.ToString());
        Assert.All(files, kv => Assert.Equal(kv.Value, File.ReadAllText(kv.Key)));
    }
}
