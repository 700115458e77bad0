using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx writes its error log in its own local time, without an offset (issue 26: containers often run with a TZ of
/// their own). A real nginx started with TZ=America/Los_Angeles on this host: its failures of a moment ago are read
/// as a moment ago, not as eight hours old.
/// </summary>
public sealed class LogTimeZoneScenarios
{
    [SkippableFact]
    public async Task An_outage_a_moment_ago_of_an_nginx_in_another_time_zone_is_history_not_invisible()
    {
        Skip.If(TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.FromHours(-8), "this host already keeps Los Angeles' time");
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        lab.Nginx.WriteConfig(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        var snapshot = TreeSnapshot.Of(lab.Nginx.PathOf("conf"));
        var nginx = lab.Nginx.StartProcess("env", ["TZ=America/Los_Angeles", lab.Nginx.Binary, "-p", lab.Root, "-c", lab.Nginx.ConfigFile, "-e", lab.Nginx.ErrorLog, "-g", "daemon off;"]);
        await nginx.WaitUntilListeningAsync(lab.Port, null, TimeSpan.FromSeconds(10));
        Assert.All(await lab.GetAsync("/", 3), status => Assert.Equal(502, status));
        await lab.StartFakeAsync(port, "ok");
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);

        // Down a moment ago, answering now: history (a warning), as the same nginx in this host's zone gives.
        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "warning", run.ToString());
        var down = ScenarioLab.Only(run, "upstream-down");
        Assert.Contains("3 \"connect-refused\" entries (502)", ScenarioLab.Evidence(down), StringComparison.Ordinal);

        var logs = NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string>(), "logs", "--config", lab.Nginx.ConfigFile, "--since", "5m", "--json");
        var incident = logs.Json.GetProperty("logs").GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("kind").GetString() == "connect-refused");
        Assert.True(incident.GetProperty("count").GetInt32() == 3, logs.ToString());
        var seen = DateTime.Parse(incident.GetProperty("lastSeen").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((DateTime.Now - seen).Duration() < TimeSpan.FromMinutes(2), $"last seen {seen:O}, now {DateTime.Now:O}");
        // The access log's own offset (-0800) puts its 502s in the same minutes.
        var minutes = logs.Json.GetProperty("logs").GetProperty("access").GetProperty("minutes").EnumerateArray().ToList();
        Assert.True(minutes.Sum(m => m.GetProperty("status502").GetInt32()) == 3, logs.ToString());
        Assert.All(minutes, m => Assert.True((DateTime.Now - m.GetProperty("minute").GetDateTime()).Duration() < TimeSpan.FromMinutes(3), m.ToString()));
    }
}
