using NgxDoctor.Core;
using NgxDoctor.Core.Facts;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Bounded time with 50 upstreams: probes run concurrently, so even all blackholed the run ends near one
/// probe timeout. The figures themselves are measured by bench/; these bounds only catch hangs.
/// </summary>
public class SpeedScenarios
{
    private static async Task<List<int>> FiftyUpstreamsAsync(ScenarioLab lab, string mode)
    {
        var ports = Enumerable.Range(0, 50).Select(_ => ScenarioLab.FreePort()).ToList();
        var python = ScenarioLab.Need("python3", "python3");
        var script = Path.Combine(AppContext.BaseDirectory, "many_ports.py");
        var p = lab.Nginx.StartProcess(python, [script, mode, .. ports.Select(ScenarioLab.Str)]);
        for (var i = 0; i < 100 && !p.Output.Contains("ready", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("ready", p.Output, StringComparison.Ordinal);
        var locations = string.Join("\n", ports.Select((port, i) => $"location /u{i}/ {{ proxy_pass http://127.0.0.1:{port}; }}"));
        await lab.StartNginxAsync(lab.Server(locations));
        return ports;
    }

    [SkippableFact]
    public async Task Fifty_healthy_upstreams_are_diagnosed_quickly_and_ok()
    {
        using var lab = new ScenarioLab();
        var ports = await FiftyUpstreamsAsync(lab, "serve");
        var run = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(ports.Count, run.Json.GetProperty("context").GetProperty("upstreams").GetInt32());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(5), $"took {run.Elapsed}");
    }

    [SkippableFact]
    public async Task Fifty_blackholed_upstreams_end_within_the_probe_timeout_plus_one_second()
    {
        using var lab = new ScenarioLab();
        var ports = await FiftyUpstreamsAsync(lab, "blackhole");
        var facts = lab.Nginx.PathOf("facts.json");
        var run = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--json", "--probe-timeout", "2", "--save-facts", facts);
        var probes = NgxJson.Deserialize<DiagnosisFacts>(File.ReadAllText(facts))!.Probes!;
        Assert.Equal(ports.Count, probes.Count);
        Assert.All(probes, p => Assert.Equal(ProbeOutcome.TimedOut, p.Outcome));
        Assert.Equal(2, run.ExitCode);
        // One process holds all fifty full accept queues: one root, affecting every port.
        var root = ScenarioLab.Only(run, "pool-exhausted");
        Assert.Equal(ports.Count, root.GetProperty("affects").GetArrayLength());
        // 2 s of probes + 1 s, plus the .NET start-up of a separate process.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(3.8), $"took {run.Elapsed}");
    }
}
