namespace NgxDoctor.Scenarios;

/// <summary>A backend whose own request timeout is shorter than nginx's read timeout: real gunicorn kills the slow worker.</summary>
public class BackendTimeoutScenarios
{
    [SkippableFact]
    public async Task Gunicorn_killing_a_slow_request_before_nginx_gives_up_is_upstream_crash_with_its_timeout_as_evidence()
    {
        const string Gunicorn = "/usr/bin/gunicorn";
        Skip.IfNot(File.Exists(Gunicorn), "gunicorn is not installed (apt-get install -y gunicorn; ./test.sh installs it)");
        using var lab = new ScenarioLab();
        File.WriteAllText(lab.Nginx.PathOf("www/slowapp.py"), """
            import time

            def app(environ, start_response):
                if environ["PATH_INFO"] == "/slow":
                    time.sleep(6)
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"ok"]
            """);
        var port = ScenarioLab.FreePort();
        var g = lab.Nginx.StartProcess(Gunicorn, ["-w", "1", "-t", "2", "-b", $"127.0.0.1:{ScenarioLab.Str(port)}", "--chdir", lab.Nginx.PathOf("www"), "slowapp:app"]);
        await g.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(20));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));

        Assert.Equal(502, (await lab.GetAsync("/slow"))[0]);
        await WaitForWorkerAsync(lab);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        Assert.Contains("gunicorn --timeout 2s is shorter than proxy_read_timeout 60s", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    /// <summary>gunicorn replaces the killed worker; the diagnosis should see a backend that answers again.</summary>
    private static async Task WaitForWorkerAsync(ScenarioLab lab)
    {
        for (var i = 0; i < 50 && (await lab.GetAsync("/"))[0] != 200; i++)
        {
            await Task.Delay(100);
        }
    }
}
