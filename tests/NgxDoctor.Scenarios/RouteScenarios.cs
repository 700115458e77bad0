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

    [SkippableFact]
    public async Task Diagnose_url_for_a_port_no_server_listens_on_is_unknown_not_a_quieter_verdict()
    {
        var (lab, _, _, _) = await TwoLocationsAsync();
        using var __ = lab;
        var other = ScenarioLab.FreePort();
        var run = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--json", "--url", $"http://scenario.test:{ScenarioLab.Str(other)}/api/v1/users");
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("unknown", run.Json.GetProperty("status").GetString());
        Assert.Equal($"ngxdoctor: --url http://scenario.test:{ScenarioLab.Str(other)}/api/v1/users: no server listens on port {ScenarioLab.Str(other)}; this nginx listens on {ScenarioLab.Str(lab.Port)} (a URL of a load balancer in front of nginx needs nginx's own address)", run.Stderr.Trim());
    }

    [SkippableFact]
    public async Task Diagnose_url_of_a_prefix_without_its_slash_follows_nginx_s_301_to_the_location_that_fails()
    {
        using var lab = new ScenarioLab();
        var dead = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location /api/ {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            using var r = await http.GetAsync(new Uri($"http://127.0.0.1:{lab.Port}/api"));
            Assert.Equal(301, (int)r.StatusCode);
        }

        Assert.Equal(new[] { 502 }, await lab.GetAsync("/api")); // a client that follows the redirect gets the 502

        var run = lab.Diagnose(snapshot, "--url", $"http://scenario.test:{lab.Port}/api");
        Assert.True(run.ExitCode == 2, run.ToString());
        var first = ScenarioLab.Findings(run)[0];
        Assert.Equal($"127.0.0.1:{ScenarioLab.Str(dead)}", first.GetProperty("upstream").GetString());
        Assert.Equal("critical", first.GetProperty("severity").GetString());
        Assert.Contains("follows it to /api/", run.Json.GetProperty("route").GetRawText(), StringComparison.Ordinal);
    }
}
