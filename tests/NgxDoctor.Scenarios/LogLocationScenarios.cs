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

    /// <summary>
    /// Debian's stock site with PHP (issue 27): `GET /` is served by `location ~ \.php$` after `index index.php`, an
    /// internal redirect; its 502s are counted there, the hop said, and `route` and `diagnose --url` follow it too.
    /// </summary>
    [SkippableFact]
    public async Task The_502s_of_a_directory_are_counted_at_the_php_location_its_index_redirects_to()
    {
        using var lab = new ScenarioLab();
        var www = lab.Nginx.PathOf("www");
        Directory.CreateDirectory(www);
        await File.WriteAllTextAsync(Path.Combine(www, "index.php"), "<?php echo 1;");
        var socket = lab.Nginx.PathOf("run/php-fpm.sock");
        await lab.StartNginxAsync(lab.Server($$"""
            root {{www}};
                index index.php index.html index.htm index.nginx-debian.html;
                location / { try_files $uri $uri/ =404; }
                location ~ \.php$ {
                    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                    fastcgi_pass unix:{{socket}};
                }
            """));
        Assert.Equal(new[] { 502, 502, 502 }, await lab.GetAsync("/", 3));

        var run = NgxDoctorCli.Run("logs", "--config", lab.Nginx.ConfigFile, "--since", "1h", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var location = Assert.Single(run.Json.GetProperty("logs").GetProperty("access").GetProperty("locations").EnumerateArray());
        var label = location.GetProperty("location").GetString()!;
        Assert.StartsWith("scenario.test location ~ \\.php$ (" + lab.Nginx.ConfigFile + ":", label, StringComparison.Ordinal);
        Assert.EndsWith("after index / -> /index.php", label, StringComparison.Ordinal);
        Assert.Equal(3, location.GetProperty("status502").GetInt32());

        var route = NgxDoctorCli.Run("route", "--config", lab.Nginx.ConfigFile, $"http://127.0.0.1:{lab.Port}/", "--json");
        Assert.True(route.ExitCode == 0, route.ToString());
        var hop = Assert.Single(route.Json.GetProperty("hops").EnumerateArray());
        Assert.Equal(("index", "/", "/index.php"), (hop.GetProperty("kind").GetString(), hop.GetProperty("from").GetString(), hop.GetProperty("to").GetString()));
        Assert.Contains("unix:" + socket, route.Json.GetProperty("ends")[0].GetProperty("upstreams").EnumerateArray().Select(u => u.GetString()));

        var diagnose = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--url", $"http://127.0.0.1:{lab.Port}/", "--json");
        Assert.True(diagnose.Json.GetProperty("status").GetString() == "critical", diagnose.ToString());
        Assert.Contains(ScenarioLab.Findings(diagnose), f => f.GetProperty("severity").GetString() == "critical" && f.GetProperty("title").GetString()!.Contains(socket, StringComparison.Ordinal));
    }
}
