namespace NgxDoctor.Scenarios;

/// <summary>The HTTP probe finds what nginx would hit before any request went through nginx (empty logs).</summary>
public class HttpProbeScenarios
{
    private static async Task<(ScenarioLab Lab, string Snapshot, int Port)> FreshAsync(string mode)
    {
        var lab = new ScenarioLab();
        try
        {
            var port = ScenarioLab.FreePort();
            await lab.StartFakeAsync(port, mode);
            var snapshot = await lab.StartNginxAsync(lab.Server($"location /app/ {{ proxy_pass http://127.0.0.1:{port}; }}"));
            return (lab, snapshot, port);
        }
        catch
        {
            lab.Dispose(); // a helper that fails half-way must not leave its processes behind
            throw;
        }
    }

    [SkippableFact]
    public async Task A_response_header_over_the_buffer_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, port) = await FreshAsync("bigheader");
        using var _ = lab;
        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Only(run, "header-too-big");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains($"probe | http 127.0.0.1:{port} \"GET /app/ HTTP/1.0\"", evidence, StringComparison.Ordinal);
        Assert.Contains("(nginx's default)", evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_is_not_http_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, _) = await FreshAsync("garbage");
        using var __ = lab;
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("the answer is not HTTP: \\\"+OK this is not http", ScenarioLab.Evidence(f).Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_h2c_backend_behind_proxy_pass_is_named_as_http2_with_grpc_pass_advice()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        var node = NgxDoctor.Host.Lab.DemoScenario.FindOnPath("node") ?? ScenarioLab.Need("nodejs", "nodejs");
        var h2 = lab.Nginx.StartProcess(node, ["-e", $"require('http2').createServer((q, r) => r.end('h2 only')).listen({port}, '127.0.0.1')"]);
        await h2.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{port}; proxy_read_timeout 2s; }}"));
        using (var client = new System.Net.Sockets.TcpClient())
        {
            // nginx passes the frames on as an HTTP/0.9 body: no status line for the client.
            await client.ConnectAsync("127.0.0.1", lab.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("GET / HTTP/1.0\r\nHost: scenario.test\r\n\r\n"u8.ToArray());
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer, read.Token);
            Assert.False(n > 5 && buffer.AsSpan(0, 5).SequenceEqual("HTTP/"u8));
        }

        Assert.Contains("upstream sent no valid HTTP/1.0 header", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("cause").GetString() == "bad-response", run.ToString());
        Assert.Contains("speaks HTTP/2", f.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains($"grpc_pass grpc://127.0.0.1:{ScenarioLab.Str(port)};", f.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("first bytes 000000040000000000", ScenarioLab.Evidence(f), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_response_with_content_length_and_transfer_encoding_is_named_before_nginx_rejects_it()
    {
        var (lab, snapshot, port) = await FreshAsync("clte");
        using var __ = lab;
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Equal("warning", f.GetProperty("severity").GetString());
        Assert.Contains($"127.0.0.1:{ScenarioLab.Str(port)} answers with Content-Length and Transfer-Encoding in one response", f.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backend_that_closes_without_answering_is_found_by_the_probe_alone()
    {
        var (lab, snapshot, _) = await FreshAsync("close");
        using var __ = lab;
        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "upstream-crash");
    }

    [SkippableFact]
    public async Task A_healthy_backend_passes_the_probe()
    {
        var (lab, snapshot, _) = await FreshAsync("ok");
        using var __ = lab;
        var run = lab.Diagnose(snapshot);
        Assert.Equal("ok", run.Json.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task Https_to_a_plain_http_port_is_bad_response()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, "ok");
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass https://127.0.0.1:{port}; }}"));

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        var evidence = ScenarioLab.Evidence(f);
        Assert.True(evidence.Contains("TLS handshake failed", StringComparison.Ordinal), evidence);
    }
}
