using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// A mass outage (issue 26): every PHP-FPM pool socket of one directory is gone and the shared app is down. A person
/// says two things; so does the report: one finding for the directory's sockets listing all it affects, one for the app.
/// </summary>
public sealed class MassOutageScenarios
{
    [SkippableFact]
    public async Task Twelve_dead_pool_sockets_of_one_directory_are_one_root_and_the_shared_app_another()
    {
        using var lab = new ScenarioLab();
        var run = lab.Nginx.PathOf("run/php");
        Directory.CreateDirectory(run);
        var app = ScenarioLab.FreePort();
        var locations = string.Join("\n", Enumerable.Range(1, 12).Select(i =>
            $"location /site{i}/ {{ include /etc/nginx/fastcgi_params; fastcgi_pass unix:{run}/site{i}.sock; }}"));
        var snapshot = await lab.StartNginxAsync(lab.Server($"{locations}\nlocation / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(app)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/site3/index.php"))[0]);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var diagnosed = lab.Diagnose(snapshot);
        var findings = ScenarioLab.Findings(diagnosed);
        Assert.True(findings.Count == 2, diagnosed.ToString());
        var sockets = findings.Single(f => f.GetProperty("upstream").GetString()!.StartsWith("unix:", StringComparison.Ordinal));
        Assert.Equal("upstream-down", sockets.GetProperty("cause").GetString());
        Assert.Contains($"12 sockets nginx passes to in {run} are dead", sockets.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"unix:{run}/site{i}.sock").Order(StringComparer.Ordinal),
            sockets.GetProperty("affects").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(findings, f => f.GetProperty("upstream").GetString() == $"127.0.0.1:{ScenarioLab.Str(app)}");
        // Bounded: the twelve are one evidence line, not twelve findings' worth of lines.
        Assert.True(sockets.GetProperty("evidence").GetArrayLength() < 12, diagnosed.ToString());
    }
}
