using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// stream{} upstreams (issue 27) with real nginx and its stream module: TCP and UDP proxying to a group and to an
/// address, listed by `upstreams`, probed as nginx connects, and their failures in the error log explained with the
/// same causes as http's.
/// </summary>
public sealed class StreamScenarios
{
    private const string StreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

    [SkippableFact]
    public async Task A_dead_tcp_and_udp_stream_upstream_is_listed_probed_and_explained_from_the_stream_log()
    {
        Skip.IfNot(File.Exists(StreamModule), "nginx's stream module is not installed (apt-get install libnginx-mod-stream; ./test.sh installs it)");
        using var lab = new ScenarioLab();
        var (tcpIn, udpIn, liveIn, live, deadTcp, deadUdp) = (ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort());
        await lab.StartFakeAsync(live, "ok");
        var stream = $$"""
            load_module {{StreamModule}};
            stream {
                log_format basic '$remote_addr [$time_local] $protocol $status $bytes_sent $bytes_received $session_time "$upstream_addr"';
                access_log {{lab.Root}}/logs/stream.log basic;
                upstream db { server 127.0.0.1:{{ScenarioLab.Str(deadTcp)}}; }
                server { listen 127.0.0.1:{{ScenarioLab.Str(tcpIn)}}; proxy_connect_timeout 2s; proxy_pass db; }
                server { listen 127.0.0.1:{{ScenarioLab.Str(udpIn)}} udp; proxy_timeout 2s; proxy_pass 127.0.0.1:{{ScenarioLab.Str(deadUdp)}}; }
                server { listen 127.0.0.1:{{ScenarioLab.Str(liveIn)}}; proxy_pass 127.0.0.1:{{ScenarioLab.Str(live)}}; }
            }
            """;
        var snapshot = await lab.StartNginxAsync(lab.Server("location / { return 204; }"), stream);

        for (var i = 0; i < 3; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, tcpIn);
            var buffer = new byte[16];
            // nginx closes the client's connection once its upstream refuses.
            Assert.Equal(0, await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        using (var udp = new UdpClient())
        {
            udp.Connect(IPAddress.Loopback, udpIn);
            await udp.SendAsync(new byte[] { 1, 2, 3 });
        }

        await WaitForAsync(lab.Nginx.ErrorLog, $"upstream: \"127.0.0.1:{deadUdp}\"");

        var upstreams = NgxDoctorCli.Run("upstreams", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.True(upstreams.ExitCode is 0 or 1 or 2, upstreams.ToString());
        var targets = upstreams.Json.GetProperty("targets").EnumerateArray().ToList();
        string Protocol(int port) => targets.Single(t => t.GetProperty("address").GetProperty("text").GetString() == $"127.0.0.1:{port}").GetProperty("sites")[0].GetProperty("protocol").GetString()!;
        Assert.Equal("tcp", Protocol(deadTcp));
        Assert.Equal("udp", Protocol(deadUdp));
        Assert.Equal("tcp", Protocol(live));

        var run = lab.Diagnose(snapshot);
        Assert.True(run.Json.GetProperty("status").GetString() == "critical", run.ToString());
        var down = ScenarioLab.Findings(run).Where(f => f.GetProperty("cause").GetString() == "upstream-down").ToList();
        var text = string.Join("\n", down.Select(f => f.GetProperty("title").GetString() + "\n" + ScenarioLab.Evidence(f)));
        Assert.True(down.Count >= 1, run.ToString());
        Assert.Contains($"127.0.0.1:{deadTcp}", text, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{deadUdp}", text, StringComparison.Ordinal);
        Assert.Contains("connect() failed (111: Connection refused) while connecting to upstream", text, StringComparison.Ordinal);
        Assert.Contains("recv() failed (111: Connection refused) while proxying and reading from upstream", text, StringComparison.Ordinal);
        Assert.Contains("udp 127.0.0.1:" + ScenarioLab.Str(deadUdp), text, StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => ScenarioLab.Evidence(f).Contains($"127.0.0.1:{live}", StringComparison.Ordinal) && f.GetProperty("severity").GetString() == "critical");
        var failures = run.Json.GetProperty("failures");
        Assert.True(failures.GetProperty("observed").GetInt32() == 4 && failures.GetProperty("unexplained").GetInt32() == 0, run.ToString());
    }

    private static async Task WaitForAsync(string file, string text)
    {
        for (var i = 0; i < 100; i++)
        {
            if (File.Exists(file) && (await File.ReadAllTextAsync(file)).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{file} never said {text}:\n{(File.Exists(file) ? await File.ReadAllTextAsync(file) : "(no file)")}");
    }
}
