using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`route` and `diagnose --url` on a real nginx whose two locations lead to a dead and a live backend.</summary>
public class RouteScenarios
{
    private static async Task<(ScenarioLab Lab, string Snapshot, int Live, int Dead)> TwoLocationsAsync()
    {
        var lab = new ScenarioLab();
        try
        {
            var live = ScenarioLab.FreePort();
            var dead = ScenarioLab.FreePort();
            await lab.StartFakeAsync(live, "ok");
            var snapshot = await lab.StartNginxAsync(lab.Server($$"""
                location /shop/ { proxy_pass http://127.0.0.1:{{ScenarioLab.Str(live)}}; }
                    location ~ ^/api/(?<version>v[0-9]+)/ { proxy_pass http://127.0.0.1:{{ScenarioLab.Str(dead)}}; }
                """));
            return (lab, snapshot, live, dead);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [SkippableFact]
    public async Task Diagnose_url_is_critical_for_the_dead_route_and_ok_for_the_live_one()
    {
        var (lab, snapshot, live, dead) = await TwoLocationsAsync();
        using var __ = lab;
        var bad = lab.Diagnose(snapshot, "--url", $"http://scenario.test:{lab.Port}/api/v1/users");
        Assert.Equal("critical", bad.Json.GetProperty("status").GetString());
        Assert.Equal($"127.0.0.1:{dead}", ScenarioLab.Findings(bad)[0].GetProperty("upstream").GetString());

        var good = lab.Diagnose(snapshot, "--url", $"http://scenario.test:{lab.Port}/shop/cart");
        Assert.True(good.Json.GetProperty("status").GetString() == "warning", good.ToString());
        var f = ScenarioLab.Only(good, "upstream-down");
        Assert.Equal("warning", f.GetProperty("severity").GetString());
        Assert.Contains("not on the route", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        var ends = good.Json.GetProperty("route").GetProperty("ends");
        Assert.Equal($"127.0.0.1:{live}", ends[0].GetProperty("upstreams")[0].GetString());
    }

    [SkippableFact]
    public async Task Route_names_the_server_the_locations_and_the_upstream_with_file_and_line()
    {
        var (lab, _, _, dead) = await TwoLocationsAsync();
        using var __ = lab;
        var run = NgxDoctorCli.Run("route", $"http://scenario.test:{lab.Port}/api/v2/orders?id=7", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var route = run.Json;
        Assert.Equal("exact server_name", route.GetProperty("server").GetProperty("how").GetString());
        var step = route.GetProperty("locations")[0];
        Assert.Equal("first matching regex in file order", step.GetProperty("how").GetString());
        Assert.StartsWith(lab.Nginx.ConfigFile + ":", step.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal("v2", route.GetProperty("captures").GetProperty("version").GetString());
        Assert.Equal($"127.0.0.1:{dead}", route.GetProperty("ends")[0].GetProperty("upstreams")[0].GetString());

        var text = NgxDoctorCli.Run("route", $"http://scenario.test:{lab.Port}/nowhere", "--config", lab.Nginx.ConfigFile);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("no location matches", text.Stdout, StringComparison.Ordinal);
    }
}
