using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>Backends broken for real so that real nginx writes real error-log lines; the verdict quotes them.</summary>
public class LogScenarios
{
    private static async Task<(ScenarioLab Lab, string Snapshot, int Port)> ProxyToFakeAsync(string mode, double arg = 0, string extra = "")
    {
        var lab = new ScenarioLab();
        try
        {
            var port = ScenarioLab.FreePort();
            await lab.StartFakeAsync(port, mode, arg);
            var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; {extra} }}"));
            return (lab, snapshot, port);
        }
        catch
        {
            lab.Dispose(); // a helper that fails half-way must not leave its processes behind
            throw;
        }
    }

    [SkippableFact]
    public async Task A_backend_slower_than_proxy_read_timeout_is_upstream_timeout()
    {
        var (lab, snapshot, port) = await ProxyToFakeAsync("slow", 3, "proxy_read_timeout 1s;");
        using var _ = lab;
        var statuses1 = await lab.GetAsync("/");
        Assert.Equal(new[] { 504 }, statuses1);
        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "upstream-timeout");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Equal($"127.0.0.1:{port}", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("proxy_read_timeout 1s", evidence, StringComparison.Ordinal);
        Assert.Contains($"log | {lab.Nginx.ErrorLog}:", evidence, StringComparison.Ordinal);
        Assert.Contains("upstream timed out (110: Connection timed out) while reading response header from upstream", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_closes_before_answering_is_upstream_crash()
    {
        var (lab, snapshot, _) = await ProxyToFakeAsync("close");
        using var __ = lab;
        var statuses2 = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses2);
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
        Assert.Contains("upstream prematurely closed connection while reading response header from upstream", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_response_header_over_the_buffer_is_header_too_big_with_the_buffer_size()
    {
        var (lab, snapshot, _) = await ProxyToFakeAsync("bigheader", 0, "proxy_buffer_size 4k;");
        using var __ = lab;
        var statuses3 = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses3);
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "header-too-big");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("proxy_buffer_size 4k", evidence, StringComparison.Ordinal);
        Assert.Contains("upstream sent too big header", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_is_not_http_is_bad_response()
    {
        var (lab, snapshot, _) = await ProxyToFakeAsync("garbage");
        using var __ = lab;
        await lab.GetAsync("/").ContinueWith(_ => 0, TaskScheduler.Default); // HTTP/0.9 pass-through: the client may not parse it
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("upstream sent no valid HTTP/1.0 header", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_outage_that_has_ended_is_a_warning_not_critical()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        var statuses4 = await lab.GetAsync("/", 2);
        Assert.Equal(new[] { 502, 502 }, statuses4);
        await lab.StartFakeAsync(port, "ok");
        var statuses5 = await lab.GetAsync("/");
        Assert.Equal(new[] { 200 }, statuses5);

        var run = lab.Diagnose(snapshot);
        Assert.Equal("warning", run.Json.GetProperty("status").GetString());
        var f = ScenarioLab.Only(run, "upstream-down");
        Assert.Equal("warning", f.GetProperty("severity").GetString());
        Assert.Contains("accepts connections now", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("2 \"connect-refused\" entries (502)", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_dead_upstream_quotes_the_refusals_nginx_logged()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        var statuses6 = await lab.GetAsync("/");
        Assert.Equal(new[] { 502 }, statuses6);
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-down");
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Contains("connect() failed (111: Connection refused) while connecting to upstream", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Php_fpm_with_one_child_under_concurrent_slow_requests_is_pool_exhausted()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/tiny.sock");
        File.WriteAllText(lab.Nginx.PathOf("www/slow.php"), "<?php usleep(1500000); echo 'done';");
        await lab.StartPhpFpmAsync(sock, maxChildren: 1, backlog: 1);
        var snapshot = await lab.StartNginxAsync(lab.Server($$"""
            location ~ \.php$ {
                    include /etc/nginx/fastcgi_params;
                    fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                    fastcgi_pass unix:{{sock}};
                }
            """));
        var statuses = await lab.GetAsync("/slow.php", 8);
        Assert.Contains(502, statuses);

        var run = lab.Diagnose(snapshot);
        var first = ScenarioLab.Findings(run)[0];
        Assert.True(first.GetProperty("cause").GetString() == "pool-exhausted", run.ToString());
        Assert.Contains("(11: Resource temporarily unavailable)", ScenarioLab.Evidence(first), StringComparison.Ordinal);
    }

    private const string UpstreamFormat = "log_format upstreams '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" us=$upstream_status ua=$upstream_addr urt=$upstream_response_time rt=$request_time';";

    [SkippableFact]
    public async Task A_backend_that_answers_502_itself_is_backend_error_not_a_gateway_failure()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "status502");
        var snapshot = await lab.StartNginxAsync(UpstreamFormat + "\n" + lab.Server($"access_log {lab.Nginx.PathOf("logs/upstreams.log")} upstreams; location / {{ proxy_pass http://127.0.0.1:{port}; }}"));
        var statuses = await lab.GetAsync("/", 3);
        Assert.Equal(new[] { 502, 502, 502 }, statuses);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "backend-error");
        Assert.Equal($"127.0.0.1:{port}", f.GetProperty("upstream").GetString());
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("3 \"backend-5xx\" entries (502)", evidence, StringComparison.Ordinal);
        Assert.Contains($"upstreams.log:1 | 127.0.0.1 - - [", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_custom_log_format_with_upstream_fields_gives_the_timeout_finding_its_latencies()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "slow", 1.5);
        var snapshot = await lab.StartNginxAsync(UpstreamFormat + "\n" + lab.Server($"access_log {lab.Nginx.PathOf("logs/upstreams.log")} upstreams; location / {{ proxy_pass http://127.0.0.1:{port}; proxy_read_timeout 1s; }}"));
        var statuses = await lab.GetAsync("/", 2);
        Assert.Equal(new[] { 504, 504 }, statuses);

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-timeout");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"$upstream_response_time of 2 request(s) to 127.0.0.1:{port}: p50 1", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Php_fpm_at_max_children_with_nginx_timeouts_is_pool_exhausted_first()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/dyn.sock");
        File.WriteAllText(lab.Nginx.PathOf("www/slow.php"), "<?php usleep(2500000); echo 'done';");
        await lab.StartPhpFpmAsync(sock, maxChildren: 1, processManager: "dynamic", slowlogTimeout: "1s");
        var snapshot = await lab.StartNginxAsync(lab.Server($$"""
            location ~ \.php$ {
                    include /etc/nginx/fastcgi_params;
                    fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                    fastcgi_read_timeout 1s;
                    fastcgi_pass unix:{{sock}};
                }
            """));
        var statuses = await lab.GetAsync("/slow.php", 4);
        Assert.All(statuses, s => Assert.Equal(504, s));
        await Task.Delay(1500); // PHP-FPM checks its pool once a second

        var run = lab.Diagnose(snapshot);
        var findings = ScenarioLab.Findings(run);
        Assert.True(findings.Count >= 2, run.ToString());
        Assert.Equal("pool-exhausted", findings[0].GetProperty("cause").GetString());
        Assert.Contains(findings, f => f.GetProperty("cause").GetString() == "upstream-timeout");
        var evidence = ScenarioLab.Evidence(findings[0]);
        Assert.Contains("server reached pm.max_children setting (1)", evidence, StringComparison.Ordinal);
        Assert.Contains("pm.max_children = 1 (pool www", evidence, StringComparison.Ordinal);

        // The slowlog names the script that holds the only child, and the remedy names it too.
        Assert.Contains($"www.slow.log:2 | {lab.Nginx.PathOf("www/slow.php")}: ", evidence, StringComparison.Ordinal);
        Assert.Contains("request(s) past request_slowlog_timeout", evidence, StringComparison.Ordinal);
        Assert.Contains($"innermost call usleep() {lab.Nginx.PathOf("www/slow.php")}:1", evidence, StringComparison.Ordinal);
        Assert.Contains($"the slowlog names {lab.Nginx.PathOf("www/slow.php")}", findings[0].GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }
}
