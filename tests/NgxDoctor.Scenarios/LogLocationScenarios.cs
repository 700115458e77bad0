using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`logs` counts failed requests by the location that served them, routed through the real configuration.</summary>
public class LogLocationScenarios
{
    [SkippableFact]
    public async Task Failed_requests_are_counted_by_location_with_file_and_line()
    {
        using var lab = new ScenarioLab();
        var live = ScenarioLab.FreePort();
        var dead = ScenarioLab.FreePort();
        await lab.StartFakeAsync(live, "ok");
        await lab.StartNginxAsync(lab.Server($$"""
            location /shop/ { proxy_pass http://127.0.0.1:{{ScenarioLab.Str(live)}}; }
                location ~ ^/api/ { proxy_pass http://127.0.0.1:{{ScenarioLab.Str(dead)}}; }
            """));
        Assert.Equal(new[] { 502, 502, 502 }, await lab.GetAsync("/api/users", 3));
        Assert.Equal(new[] { 200, 200 }, await lab.GetAsync("/shop/cart", 2));

        var run = NgxDoctorCli.Run("logs", "--config", lab.Nginx.ConfigFile, "--since", "1h", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var location = Assert.Single(run.Json.GetProperty("logs").GetProperty("access").GetProperty("locations").EnumerateArray());
        Assert.StartsWith("scenario.test location ~ ^/api/ (" + lab.Nginx.ConfigFile + ":", location.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, location.GetProperty("status502").GetInt32());

        var text = NgxDoctorCli.Run("logs", "--config", lab.Nginx.ConfigFile, "--since", "1h");
        Assert.Contains("By location", text.Stdout, StringComparison.Ordinal);
    }
}
