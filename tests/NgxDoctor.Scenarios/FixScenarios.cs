using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`fix` on real nginx: broken, then fixed through nginx, with only the intended lines changed; and the transaction's guarantees.</summary>
public sealed class FixScenarios : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    private CliRun Fix(ScenarioLab lab, params string[] args) => FixWithHook(lab, "", args);

    private CliRun FixWithHook(ScenarioLab lab, string hook, params string[] args) =>
        NgxDoctorCli.Run(TimeSpan.FromSeconds(120), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = _state, ["NGXDOCTOR_FIX_TEST_HOOK"] = hook },
            ["fix", "--config", lab.Nginx.ConfigFile, .. args]);

    /// <summary>Lines of the file before and after that differ (a line-by-line comparison; edits here only replace or add lines).</summary>
    private static List<string> Changed(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        return b.Except(a).ToList();
    }

    [Fact]
    public async Task A_read_timeout_too_short_for_a_slow_backend_is_raised_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 3);
        await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n            proxy_read_timeout 1s;\n        }}"));
        Assert.Equal(504, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var dry = Fix(lab);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("+            proxy_read_timeout 5s;", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(lab.Nginx.ConfigFile));

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Stdout.Contains("APPLIED", StringComparison.Ordinal), run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        Assert.Equal(["            proxy_read_timeout 5s;"], Changed(before, File.ReadAllText(lab.Nginx.ConfigFile)));
        Assert.Contains("applied", Fix(lab, "--history").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_header_over_the_buffer_gets_a_bigger_buffer_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "bigheader");
        await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n        }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        var changed = Changed(before, File.ReadAllText(lab.Nginx.ConfigFile));
        Assert.Equal(["            proxy_buffer_size 12k;", "            proxy_buffers 8 12k;"], changed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_upstream_pointing_next_to_the_running_backend_is_repointed_and_the_request_then_succeeds()
    {
        using var lab = new ScenarioLab();
        var live = ScenarioLab.FreePort();
        var dead = ScenarioLab.FreePort();
        await lab.StartNodeAsync(live);
        await lab.StartNginxAsync($"upstream app {{\n    server 127.0.0.1:{ScenarioLab.Str(dead)} max_fails=3; # the app\n}}\n" + lab.Server("location / { proxy_pass http://app; }"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);

        var run = Fix(lab, "--apply", "--yes", "--only", "wrong-address");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        Assert.Equal([$"    server 127.0.0.1:{ScenarioLab.Str(live)} max_fails=3; # the app"], Changed(before, File.ReadAllText(lab.Nginx.ConfigFile)));
    }
}
