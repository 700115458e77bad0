namespace NgxDoctor.Scenarios;

/// <summary>
/// PHP-FPM answering with a header over fastcgi_buffer_size: the logged request is sent again through ngxdoctor's
/// FastCGI client with the params nginx builds for it, the header measured, and the buffer raised from that; a header
/// that only a client's request made big is left alone.
/// </summary>
public sealed class FastCgiHeaderScenarios : IDisposable
{
    private const string BigHeaders = """<?php $n = (int)($_GET['n'] ?? $_SERVER['HTTP_X_HEADERS'] ?? 0); for ($i = 0; $i < $n; $i++) { header("X-Big-$i: " . str_repeat('a', 200)); } echo 'ok';""";
    private readonly string _state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    private static async Task<string> StartAsync(ScenarioLab lab)
    {
        var sock = lab.Nginx.PathOf("run/app.sock");
        var www = lab.Nginx.PathOf("www");
        Directory.CreateDirectory(Path.Combine(www, "app"));
        File.WriteAllText(Path.Combine(www, "app", "index.php"), BigHeaders);
        await lab.StartPhpFpmAsync(sock);
        return await lab.StartNginxAsync(lab.Server($$"""
            root {{www}};
                location ~ [^/]\.php(/|$) {
                    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
                    fastcgi_index index.php;
                    include /etc/nginx/fastcgi.conf;
                    fastcgi_pass unix:{{sock}};
                }
                location /app/ {
                    fastcgi_index index.php;
                    include /etc/nginx/fastcgi.conf;
                    fastcgi_pass unix:{{sock}};
                }
            """));
    }

    [SkippableFact]
    public async Task A_header_over_fastcgi_buffer_size_is_measured_by_sending_the_logged_request_again_and_the_buffer_raised()
    {
        using var lab = new ScenarioLab();
        var snapshot = await StartAsync(lab);
        Assert.True((await lab.GetAsync("/app/index.php/x?n=2"))[0] == 200, File.ReadAllText(lab.Nginx.PathOf("logs/error.log")));
        // /app/ ends in a slash: nginx's $fastcgi_script_name gets fastcgi_index, and the replay must do the same.
        Assert.Equal(502, (await lab.GetAsync("/app/?n=40"))[0]);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "header-too-big");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("upstream sent too big header", evidence, StringComparison.Ordinal);
        Assert.Contains("fastcgi_buffer_size 4k (nginx's default)", evidence, StringComparison.Ordinal);
        var measured = System.Text.RegularExpressions.Regex.Match(evidence, @"GET /app/\?n=40 sent again to unix:\S+ as nginx would \(FastCGI\): status 200, a (\d+)-byte header");
        Assert.True(measured.Success, evidence);
        var bytes = int.Parse(measured.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(bytes, 40 * 200, 40 * 260);

        var before = File.ReadAllText(lab.Nginx.ConfigFile);
        var run = lab.Fix(_state, "--apply", "--yes", "--only", "header-too-big");
        Assert.True(run.ExitCode == 0, run.ToString());
        var changed = File.ReadAllText(lab.Nginx.ConfigFile).Split('\n').Except(before.Split('\n')).Select(l => l.Trim()).ToList();
        var size = changed.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^fastcgi_buffer_size (\d+)k;$")).Single(m => m.Success);
        Assert.True(int.Parse(size.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024 >= bytes * 5 / 4, string.Join("\n", changed));
        Assert.Equal(200, (await lab.GetAsync("/app/?n=40"))[0]);
    }

    [SkippableFact]
    public async Task A_header_that_only_the_clients_request_made_big_is_not_fixed_from_a_replay_that_fits()
    {
        using var lab = new ScenarioLab();
        var snapshot = await StartAsync(lab);
        Assert.Equal(502, (await lab.GetAsync("/app/index.php", 1, new Dictionary<string, string> { ["X-Headers"] = "40" }))[0]);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "header-too-big");
        Assert.Contains("GET /app/index.php sent again", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        var before = File.ReadAllText(lab.Nginx.ConfigFile);
        var run = lab.Fix(_state, "--apply", "--yes", "--only", "header-too-big");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("depended on the client's request", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(lab.Nginx.ConfigFile));
    }
}
