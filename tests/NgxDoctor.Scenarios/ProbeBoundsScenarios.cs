using System.Diagnostics;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Lab;
using NgxDoctor.Host.Probes;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Every probe against peers of the test's own (tests/TestSupport/hostile_server.py): each ends within its timeout
/// with a clear outcome when the peer accepts and never answers, trickles, lies about record sizes or closes early,
/// and the uwsgi, SCGI and gRPC probes recognise a well-behaved peer.
/// </summary>
public sealed class ProbeBoundsScenarios : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);
    private readonly NginxLab _lab = NginxLab.Create();

    [SkippableTheory]
    [InlineData("proxy_pass http://", "silent", HttpProbeResult.NoResponse)]
    [InlineData("proxy_pass http://", "trickle", HttpProbeResult.NoResponse)]
    [InlineData("proxy_pass https://", "silent", HttpProbeResult.Tls)]
    [InlineData("uwsgi_pass ", "silent", HttpProbeResult.NoResponse)]
    [InlineData("scgi_pass ", "silent", HttpProbeResult.NoResponse)]
    [InlineData("grpc_pass grpc://", "silent", HttpProbeResult.NoResponse)]
    [InlineData("proxy_pass http://", "close", HttpProbeResult.Closed)]
    [InlineData("uwsgi_pass ", "uwsgi-ok", HttpProbeResult.Ok)]
    [InlineData("scgi_pass ", "scgi-ok", HttpProbeResult.Ok)]
    [InlineData("grpc_pass grpc://", "h2-ok", HttpProbeResult.Ok)]
    [InlineData("grpc_pass grpc://", "fcgi-version", HttpProbeResult.NotHttp)]
    public async Task Protocol_probes_end_within_their_timeout_with_a_clear_outcome(string pass, string mode, string outcome)
    {
        var port = await StartAsync(mode);
        var target = Target($"{pass}127.0.0.1:{port}");
        var plan = HttpRequestPlan.For(target, target.Sites[0]);
        var clock = Stopwatch.StartNew();
        var result = target.Sites[0].Directive switch
        {
            "uwsgi_pass" => await UwsgiProbe.RunAsync(target, plan, Timeout),
            "scgi_pass" => await ScgiProbe.RunAsync(target, plan, Timeout),
            "grpc_pass" => await GrpcProbe.RunAsync(target, plan, Timeout),
            _ => await HttpProbe.RunAsync(target, plan, Timeout),
        };
        Assert.True(clock.Elapsed < Timeout + Slack, $"{clock.Elapsed} for {mode}");
        Assert.True(result.Outcome == outcome, $"{mode}: {result}");
    }

    [SkippableFact]
    public async Task Grpc_pass_to_an_http1_backend_says_it_is_not_http2()
    {
        var port = ScenarioLab.FreePort();
        var python = ScenarioLab.Need("python3", "python3");
        var p = _lab.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "fake_backend.py"), "ok", ScenarioLab.Str(port)]);
        await p.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        var target = Target($"grpc_pass grpc://127.0.0.1:{port}");
        var result = await GrpcProbe.RunAsync(target, HttpRequestPlan.For(target, target.Sites[0]), Timeout);
        Assert.Equal(HttpProbeResult.NotHttp, result.Outcome);
        Assert.Contains("not HTTP/2", result.Detail, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("silent", FastCgiProbeResult.NoResponse, "no reply within")]
    [InlineData("trickle", FastCgiProbeResult.NoResponse, "no reply within")]
    [InlineData("close", FastCgiProbeResult.NotFastCgi + "|" + FastCgiProbeResult.Failed, "without FastCGI's END_REQUEST|reset by peer")]
    [InlineData("fcgi-truncated", FastCgiProbeResult.NotFastCgi, "without FastCGI's END_REQUEST")]
    [InlineData("fcgi-endless", FastCgiProbeResult.NotFastCgi, "larger than")]
    [InlineData("fcgi-version", FastCgiProbeResult.NotFastCgi, "not FastCGI")]
    [InlineData("fcgi-padded", FastCgiProbeResult.Ok, "pong")]
    public async Task The_fastcgi_client_survives_hostile_servers_within_its_timeout(string mode, string outcome, string detail)
    {
        var port = await StartAsync(mode);
        var target = Target($"fastcgi_pass 127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        var result = await FastCgiProbe.RunAsync(target, "/ping", "", Timeout);
        Assert.True(clock.Elapsed < Timeout + Slack, $"{clock.Elapsed} for {mode}");
        // An early close is seen as an end without END_REQUEST or, when the request was still unread, as a reset.
        var expected = outcome.Split('|').Zip(detail.Split('|'));
        Assert.True(expected.Any(e => result.Outcome == e.First && result.Detail.Contains(e.Second, StringComparison.Ordinal)), $"{mode}: {result}");
    }

    [SkippableTheory]
    [InlineData("proxy_pass http://", "silent", "", "warning")]
    [InlineData("proxy_pass http://", "trickle", "", "warning")]
    [InlineData("uwsgi_pass ", "silent", "", "warning")]
    [InlineData("fastcgi_pass ", "silent", "", "warning")]
    [InlineData("fastcgi_pass ", "trickle", "", "warning")]
    [InlineData("proxy_pass http://", "silent", "proxy_read_timeout 1s;", "critical")]
    public async Task A_backend_that_accepts_and_never_replies_is_a_finding_not_ok(string pass, string mode, string setting, string severity)
    {
        var port = await StartAsync(mode);
        var conf = _lab.PathOf("conf/silent.conf");
        File.WriteAllText(conf, $"pid {_lab.PathOf("run/x.pid")};\nevents {{}}\nhttp {{\n  access_log off;\n  server {{ listen 127.0.0.1:2; location / {{ {pass}127.0.0.1:{ScenarioLab.Str(port)}; {setting} }} }}\n}}\n");
        var run = NgxDoctor.TestSupport.NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf, "--probe-timeout", "1.5", "--json");
        var finding = ScenarioLab.Only(run, "upstream-timeout");
        Assert.Equal(severity, finding.GetProperty("severity").GetString());
        Assert.Contains($"127.0.0.1:{ScenarioLab.Str(port)} accepts connections but sent no complete reply within 1.5 s", finding.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("_read_timeout", ScenarioLab.Evidence(finding), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_blackholed_tcp_address_and_a_silent_dns_server_end_within_the_timeout()
    {
        var port = ScenarioLab.FreePort();
        var python = ScenarioLab.Need("python3", "python3");
        var p = _lab.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "many_ports.py"), "blackhole", ScenarioLab.Str(port)]);
        for (var i = 0; i < 100 && !p.Output.Contains("ready", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        var clock = Stopwatch.StartNew();
        var tcp = await TcpProbe.RunAsync($"127.0.0.1:{port}", "127.0.0.1", port, Timeout);
        Assert.Equal(ProbeOutcome.TimedOut, tcp.Outcome);
        Assert.True(clock.Elapsed < Timeout + Slack, clock.Elapsed.ToString());

        var dnsPort = ScenarioLab.FreePort();
        var dns = _lab.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "fake_dns.py"), "silent", ScenarioLab.Str(dnsPort)]);
        for (var i = 0; i < 100 && !dns.Output.Contains("ready", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        var inventory = InventoryBuilder.Build(Load($"server {{ resolver 127.0.0.1:{dnsPort}; location / {{ set $b api.test; proxy_pass http://$b; }} }}"));
        clock.Restart();
        var lookups = await DnsProbe.RunAsync(inventory, Timeout, CancellationToken.None);
        Assert.Equal(DnsLookup.NoAnswer, Assert.Single(lookups).Outcome);
        Assert.True(clock.Elapsed < Timeout + Slack, clock.Elapsed.ToString());
    }

    public void Dispose() => _lab.Dispose();

    private async Task<int> StartAsync(string mode)
    {
        var port = ScenarioLab.FreePort();
        var python = ScenarioLab.Need("python3", "python3");
        var p = _lab.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "hostile_server.py"), mode, ScenarioLab.Str(port)]);
        await p.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        return port;
    }

    private static NginxConfig Load(string httpBody) =>
        new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { ["/etc/nginx/nginx.conf"] = $"events {{}}\nhttp {{\n{httpBody}\n}}\n" })).Load("/etc/nginx/nginx.conf");

    private static UpstreamTarget Target(string pass) => InventoryBuilder.Build(Load($"server {{ location / {{ {pass}; }} }}")).Targets[0];
}
