using System.Diagnostics;
using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`watch --metrics-listen` and `--textfile` on real nginx: what Prometheus scrapes is the traffic the test sent.</summary>
public sealed class WatchMetricsScenarios
{
    private const string Format = "$remote_addr [$time_local] \"$request\" $status $upstream_addr $upstream_status $upstream_response_time $request_time";

    [SkippableFact]
    public async Task A_scrape_of_metrics_parsed_by_prometheus_parser_counts_the_requests_errors_and_latency_the_test_sent()
    {
        using var lab = new ScenarioLab();
        var (up, down, metricsPort) = (ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort());
        await lab.StartFakeAsync(up, "ok");
        await lab.StartNginxAsync($$"""
            log_format upstreams '{{Format}}';
            {{lab.Server($"access_log {lab.Nginx.PathOf("logs/upstreams.log")} upstreams; location /up {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(up)}; }} location /down {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(down)}; }}")}}
            """);
        var textfile = Directory.CreateTempSubdirectory("ngxdoctor-textfile-").FullName;
        using var cleanup = new TempDir(textfile);
        using var watch = Process.Start(NgxDoctorCli.StartInfo(["watch", "--config", lab.Nginx.ConfigFile, "--plain", "--no-bundles", "--failures", "1000", "--error-rate", "0",
            "--metrics-listen", $"127.0.0.1:{ScenarioLab.Str(metricsPort)}", "--textfile", textfile]))!;
        try
        {
            await Task.Delay(2000); // located, its logs opened at their ends, /metrics served
            Assert.All(await lab.GetAsync("/up", 7), s => Assert.Equal(200, s));
            Assert.All(await lab.GetAsync("/down", 3), s => Assert.Equal(502, s));
            await Task.Delay(1000); // polled every 200 ms

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var scraped = await http.GetAsync(new Uri($"http://127.0.0.1:{ScenarioLab.Str(metricsPort)}/metrics"));
            Assert.Equal(System.Net.HttpStatusCode.OK, scraped.StatusCode);
            Assert.StartsWith("text/plain", scraped.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var text = await scraped.Content.ReadAsStringAsync();
            AssertTraffic(Parse(text), up, down);
            await AssertPrometheusReadsItAsync(text, metricsPort, down);

            Signal(watch.Id);
            await watch.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.True(watch.ExitCode == 0, await watch.StandardError.ReadToEndAsync());
            // The textfile written at the end says the same, whole (temp file renamed: no leftover).
            Assert.Equal(["ngxdoctor.prom"], Directory.GetFiles(textfile).Select(Path.GetFileName));
            AssertTraffic(Parse(File.ReadAllText(Path.Combine(textfile, "ngxdoctor.prom"))), up, down);

            // The one-shot `logs` over the same file afterwards counts what the watch counted as it was written.
            var logs = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "logs", "--file", lab.Nginx.PathOf("logs/upstreams.log"), "--log-format", Format, "--since", "1h", "--json");
            var upstreams = logs.Json.GetProperty("logs").GetProperty("access").GetProperty("upstreams").EnumerateArray().ToDictionary(u => u.GetProperty("upstream").GetString()!);
            Assert.True(upstreams.Count == 2, logs.ToString());
            Assert.Equal((7, 0), (upstreams[$"127.0.0.1:{ScenarioLab.Str(up)}"].GetProperty("requests").GetInt32(), upstreams[$"127.0.0.1:{ScenarioLab.Str(up)}"].GetProperty("errors5xx").GetInt32()));
            Assert.Equal((3, 3), (upstreams[$"127.0.0.1:{ScenarioLab.Str(down)}"].GetProperty("requests").GetInt32(), upstreams[$"127.0.0.1:{ScenarioLab.Str(down)}"].GetProperty("errors5xx").GetInt32()));
        }
        finally
        {
            if (!watch.HasExited)
            {
                watch.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// Issue 28: with the combined format (no $upstream_addr: Debian's default), a 502 is counted at the upstream the
    /// error log names for that request, not under upstream="".
    /// </summary>
    [SkippableFact]
    public async Task Without_upstream_addr_in_the_access_log_a_502_is_counted_at_the_upstream_the_error_log_names()
    {
        using var lab = new ScenarioLab();
        var (down, metricsPort) = (ScenarioLab.FreePort(), ScenarioLab.FreePort());
        await lab.StartNginxAsync(lab.Server($"location /down {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(down)}; }}"));
        using var watch = Process.Start(NgxDoctorCli.StartInfo(["watch", "--config", lab.Nginx.ConfigFile, "--plain", "--no-bundles", "--failures", "1000", "--error-rate", "0",
            "--metrics-listen", $"127.0.0.1:{ScenarioLab.Str(metricsPort)}"]))!;
        try
        {
            await Task.Delay(2000);
            Assert.All(await lab.GetAsync("/down", 3), s => Assert.Equal(502, s));
            await Task.Delay(1000);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var samples = Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{ScenarioLab.Str(metricsPort)}/metrics")));
            var requests = samples.Where(s => s.GetProperty("name").GetString() == "ngxdoctor_requests_total" && s.GetProperty("labels").GetProperty("status").GetString() == "502").ToList();
            var only = Assert.Single(requests);
            Assert.Equal($"127.0.0.1:{ScenarioLab.Str(down)}", only.GetProperty("labels").GetProperty("upstream").GetString());
            Assert.Equal(3, only.GetProperty("value").GetDouble());
        }
        finally
        {
            if (!watch.HasExited)
            {
                watch.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// Issue 28: Prometheus itself scrapes /metrics and answers the docs' queries with ngxdoctor's labels intact (no
    /// `exported_instance`: `instance` is Prometheus' own); promtool accepts the exposition and docs/watch.md's rules.
    /// </summary>
    private static async Task AssertPrometheusReadsItAsync(string exposition, int metricsPort, int down)
    {
        using var prometheus = new RealPrometheus(metricsPort);
        var (lint, lintOutput) = RealPrometheus.Check(["check", "metrics"], exposition);
        Assert.True(lint == 0, lintOutput);
        var rules = Path.Combine(Path.GetTempPath(), $"ngxdoctor-rules-{Environment.ProcessId}.yml");
        File.WriteAllText(rules, DocsRules());
        try
        {
            var (check, checkOutput) = RealPrometheus.Check(["check", "rules", rules]);
            Assert.True(check == 0 && checkOutput.Contains("3 rules found", StringComparison.Ordinal), checkOutput);
        }
        finally
        {
            File.Delete(rules);
        }

        var errors = await prometheus.QueryAsync("sum by (instance, nginx_config, upstream, cause) (ngxdoctor_upstream_errors_total)");
        var series = Assert.Single(errors).GetProperty("metric");
        Assert.Equal($"127.0.0.1:{ScenarioLab.Str(down)}", series.GetProperty("upstream").GetString());
        Assert.EndsWith("nginx.conf", series.GetProperty("nginx_config").GetString(), StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{ScenarioLab.Str(metricsPort)}", series.GetProperty("instance").GetString());
        Assert.Empty(await prometheus.QueryAsync("{__name__=~\"ngxdoctor_.*\", exported_instance!=\"\"}", wait: false));
    }

    /// <summary>The alert rules docs/watch.md gives, as a user copies them.</summary>
    private static string DocsRules()
    {
        var doc = File.ReadAllText(Path.Combine(NgxDoctor.TestSupport.RepoRoot.Path, "docs", "watch.md"));
        var start = doc.IndexOf("```yaml\n", StringComparison.Ordinal) + 8;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static void AssertTraffic(List<JsonElement> samples, int up, int down)
    {
        double Value(string name, params (string Label, string Value)[] labels) =>
            samples.Where(s => s.GetProperty("name").GetString() == name && labels.All(l => s.GetProperty("labels").TryGetProperty(l.Label, out var v) && v.GetString() == l.Value))
                .Select(s => s.GetProperty("value").GetDouble()).DefaultIfEmpty(-1).Sum();
        var (u, d) = ($"127.0.0.1:{ScenarioLab.Str(up)}", $"127.0.0.1:{ScenarioLab.Str(down)}");
        Assert.Equal(7, Value("ngxdoctor_requests_total", ("upstream", u), ("status", "200")));
        Assert.Equal(3, Value("ngxdoctor_requests_total", ("upstream", d), ("status", "502")));
        Assert.Equal(3, Value("ngxdoctor_upstream_errors_total", ("upstream", d), ("cause", "upstream-down")));
        Assert.Equal(7, Value("ngxdoctor_upstream_response_seconds_count", ("upstream", u)));
        Assert.Equal(7, Value("ngxdoctor_upstream_response_seconds_bucket", ("upstream", u), ("le", "+Inf")));
        Assert.InRange(Value("ngxdoctor_upstream_response_seconds_sum", ("upstream", u)), 0, 7);
        Assert.Equal(3, Value("ngxdoctor_last_diagnosis_status"));
        Assert.All(samples.Where(s => s.GetProperty("name").GetString()!.StartsWith("ngxdoctor_requests", StringComparison.Ordinal)),
            s => Assert.EndsWith("nginx.conf", s.GetProperty("labels").GetProperty("nginx_config").GetString(), StringComparison.Ordinal));
    }

    /// <summary>The official Prometheus Python client's text-format parser: a document it refuses fails the test.</summary>
    private static List<JsonElement> Parse(string text)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "prom_parse.py")])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        p.StandardInput.Write(text);
        p.StandardInput.Close();
        var json = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(20_000) && p.ExitCode == 0, $"the Prometheus parser refused the metrics: {error}\n{text}");
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static void Signal(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", ScenarioLab.Str(pid)]);
        kill.WaitForExit();
    }
}

/// <summary>The intermittent outage `diagnose` comes too late for: a backend down 2 s in every 8 s.</summary>
public sealed class WatchFlappingScenarios
{
    [SkippableFact]
    public async Task A_backend_down_two_seconds_in_every_eight_is_recorded_each_time_with_its_refusal_while_diagnose_afterwards_sees_it_over()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var backend = await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        var state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;
        using var cleanup = new TempDir(state);
        var watch = Task.Run(() => NgxDoctorCli.RunUnder(lab.Nginx.Wrapper, TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = state },
            ["watch", "--config", lab.Nginx.ConfigFile, "--json", "--duration", "21s", "--window", "2s"]));
        using var traffic = new CancellationTokenSource();
        var statuses = new List<int>();
        var client = Task.Run(async () =>
        {
            while (!traffic.IsCancellationRequested)
            {
                statuses.AddRange(await lab.GetAsync("/"));
                await Task.Delay(100);
            }
        });
        await Task.Delay(3000);
        for (var cycle = 0; cycle < 2; cycle++)
        {
            backend.Stop();
            await Task.Delay(2000);
            backend = await lab.StartFakeAsync(port, "ok");
            await Task.Delay(6000);
        }

        await traffic.CancelAsync();
        await client;
        Assert.Contains(502, statuses);
        Assert.Equal(200, statuses[^1]);

        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var started = lines.Where(l => l.GetProperty("event").GetString() == "started").ToList();
        Assert.True(started.Count == 2, run.ToString());
        Assert.Equal(2, lines.Count(l => l.GetProperty("event").GetString() == "ended"));
        foreach (var s in started)
        {
            Assert.Equal(("upstream-down", "critical"), (s.GetProperty("cause").GetString(), s.GetProperty("status").GetString()));
            var finding = s.GetProperty("findings")[0];
            Assert.Equal("upstream-down", finding.GetProperty("cause").GetString());
            Assert.Contains(finding.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("refused", StringComparison.Ordinal));
        }

        // Afterwards: the one-shot diagnose sees only that it is over; the watch's summaries keep both, critical.
        var now = lab.DiagnoseWithState(state, snapshot);
        var down = Assert.Single(ScenarioLab.Findings(now), f => f.GetProperty("cause").GetString() == "upstream-down");
        Assert.Equal("warning", down.GetProperty("severity").GetString());
        // Stopping the backend may cut a request in flight (a reset, logged seconds ago): that alone may still be critical.
        Assert.All(ScenarioLab.Findings(now).Where(f => f.GetProperty("severity").GetString() == "critical"), f => Assert.Equal("upstream-crash", f.GetProperty("cause").GetString()));
        Assert.NotEqual("ok", now.Json.GetProperty("status").GetString());
        var named = now.Json.GetProperty("recordedIncidents").EnumerateArray().ToList();
        Assert.True(named.Count == 2, now.ToString());
        Assert.All(named, i => Assert.Equal(($"127.0.0.1:{ScenarioLab.Str(port)}", "critical"), (i.GetProperty("upstream").GetString(), i.GetProperty("worstStatus").GetString())));
        var summaries = File.ReadAllLines(Path.Combine(state, "incidents", "incidents.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s => Assert.Equal(("critical", "upstream-down"), (s.GetProperty("worstStatus").GetString(), s.GetProperty("worstCause").GetString())));
        Assert.All(summaries, s => Assert.True(File.Exists(s.GetProperty("bundle").GetString())));
    }
}
