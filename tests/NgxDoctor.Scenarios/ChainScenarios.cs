using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx in front of nginx (issue 26): the front's upstream is another running instance, whose own backend is dead.
/// Diagnosed without arguments (every master), the root is reported where it is, the inner instance's dead backend,
/// and the front's failures at the inner nginx are said to follow from it.
/// </summary>
public sealed class ChainScenarios
{
    [SkippableFact]
    public async Task An_upstream_that_is_another_nginx_is_followed_to_its_dead_backend()
    {
        using var inner = new ScenarioLab();
        var dead = ScenarioLab.FreePort();
        await inner.StartNginxAsync(inner.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
        using var front = new ScenarioLab();
        await front.StartNginxAsync(front.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(inner.Port)}; }}"));
        Assert.All(await front.GetAsync("/", 4), s => Assert.Equal(502, s));

        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--json");
        Assert.True(ReportSchema.Problems(run.Stdout) is null, $"{ReportSchema.Problems(run.Stdout)}\n{run}");
        Assert.True(run.ExitCode == 2, run.ToString());
        var instances = run.Json.GetProperty("instances").EnumerateArray().ToList();
        var innerId = Assert.Single(instances, i => i.GetProperty("masterPid").GetInt32() == inner.Nginx.Nginx!.Pid).GetProperty("id").GetString();
        var frontId = Assert.Single(instances, i => i.GetProperty("masterPid").GetInt32() == front.Nginx.Nginx!.Pid).GetProperty("id").GetString();
        var findings = ScenarioLab.Findings(run);

        // The root: the inner instance's dead backend, first, with the front's failures that pass it on.
        var root = findings[0];
        Assert.True(root.GetProperty("instance").GetString() == innerId && root.GetProperty("cause").GetString() == "upstream-down", run.ToString());
        Assert.Equal($"127.0.0.1:{ScenarioLab.Str(dead)}", root.GetProperty("upstream").GetString());
        Assert.Contains($"nginx {frontId} passes", ScenarioLab.Evidence(root), StringComparison.Ordinal);

        // The front's findings about the inner nginx follow from it, and say which nginx it is.
        var atInner = findings.Where(f => f.GetProperty("instance").GetString() == frontId).ToList();
        Assert.NotEmpty(atInner);
        Assert.All(atInner, f =>
        {
            Assert.Contains(f.GetProperty("explainedBy").EnumerateArray(), e => e.GetString()!.Contains($"upstream-down 127.0.0.1:{ScenarioLab.Str(dead)}", StringComparison.Ordinal));
            Assert.Contains($"is nginx {innerId}", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        });
    }
}
