namespace NgxDoctor.Scenarios;

/// <summary>A backend whose own request timeout is shorter than nginx's read timeout, or whose worker dies: real gunicorn, its own log read.</summary>
public class BackendTimeoutScenarios
{
    private const string Gunicorn = "/usr/bin/gunicorn";

    private static async Task<(ScenarioLab Lab, string Snapshot, string Log)> StartAsync(bool logFileOption)
    {
        Skip.IfNot(File.Exists(Gunicorn), "gunicorn is not installed (apt-get install -y gunicorn; ./test.sh installs it)");
        var lab = new ScenarioLab();
        File.WriteAllText(lab.Nginx.PathOf("www/slowapp.py"), """
            import os, signal, time

            def app(environ, start_response):
                if environ["PATH_INFO"] == "/slow":
                    time.sleep(6)
                if environ["PATH_INFO"] == "/crash":
                    os.kill(os.getpid(), signal.SIGSEGV)
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"ok"]
            """);
        var port = ScenarioLab.FreePort();
        var log = lab.Nginx.PathOf("logs/gunicorn.log");
        string[] args = ["-w", "1", "-t", "2", "-b", $"127.0.0.1:{ScenarioLab.Str(port)}", "--chdir", lab.Nginx.PathOf("www"), "slowapp:app"];
        // Its log named on the command line, or (as a service unit with StandardError=file: has it) only its stderr.
        var g = logFileOption
            ? lab.Nginx.StartProcess(Gunicorn, ["--error-logfile", log, .. args])
            : lab.Nginx.StartProcess("/bin/sh", ["-c", $"exec {Gunicorn} \"$@\" 2>>{log}", "sh", .. args]);
        await g.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(20));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        return (lab, snapshot, log);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gunicorn_killing_a_slow_request_before_nginx_gives_up_is_upstream_crash_with_its_timeout_and_its_log(bool logFileOption)
    {
        var (lab, snapshot, log) = await StartAsync(logFileOption);
        using var __ = lab;
        Assert.Equal(502, (await lab.GetAsync("/slow"))[0]);
        await WaitForWorkerAsync(lab);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("gunicorn --timeout 2s is shorter than proxy_read_timeout 60s", evidence, StringComparison.Ordinal);
        Assert.Matches(@"\[CRITICAL\] WORKER TIMEOUT \(pid:\d+\)", evidence);
        Assert.Contains(log, evidence, StringComparison.Ordinal);
        Assert.Contains("gunicorn's own log says 1 worker(s) died", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("gunicorn killed workers whose request ran past its --timeout", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_gunicorn_worker_killed_by_a_signal_is_named_by_it()
    {
        var (lab, snapshot, _) = await StartAsync(true);
        using var __ = lab;
        Assert.Equal(502, (await lab.GetAsync("/crash"))[0]);
        await WaitForWorkerAsync(lab);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        Assert.Matches(@"Worker (with pid \d+ was terminated due to signal 11|\(pid:\d+\) was sent SIGSEGV)", ScenarioLab.Evidence(f));
        Assert.StartsWith("gunicorn's workers died of SIGSEGV mid-request", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
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
