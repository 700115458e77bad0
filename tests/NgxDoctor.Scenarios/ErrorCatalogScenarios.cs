using NgxDoctor.Core.Vocabulary;
using System.Net.Sockets;
using System.Text;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Scenarios;

/// <summary>
/// The error-log catalog on lines real nginx writes: one nginx, one
/// location per failure, each request made for real; then every line of its error log is parsed and classified.
/// </summary>
public sealed class ErrorCatalogScenarios
{
    [SkippableFact]
    public async Task Every_upstream_failure_real_nginx_logs_is_parsed_and_classified()
    {
        using var lab = new ScenarioLab();
        var modes = new[] { "slow", "close", "reset", "bigheader", "garbage", "badheader", "shortbody", "afterhello" };
        var ports = modes.ToDictionary(m => m, _ => ScenarioLab.FreePort());
        foreach (var (mode, port) in ports)
        {
            await lab.StartFakeAsync(port, mode, mode == "slow" ? 2 : 0);
        }

        var php = lab.Nginx.PathOf("run/php.sock");
        var locked = lab.Nginx.PathOf("run/locked.sock");
        await lab.StartPhpFpmAsync(php);
        await lab.StartPhpFpmAsync(locked, owner: "root", group: "root", mode: "0600");
        File.WriteAllText(lab.Nginx.PathOf("www/stderr.php"), "<?php error_log('catalog says boom'); echo 'x';");
        var (dead1, dead2, refused) = (ScenarioLab.FreePort(), ScenarioLab.FreePort(), ScenarioLab.FreePort());
        string Fcgi(string sock) => $"include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME {lab.Nginx.PathOf("www")}/stderr.php; fastcgi_pass unix:{sock};";
        var snapshot = await lab.StartNginxAsync($$"""
            upstream two { server 127.0.0.1:{{dead1}}; server 127.0.0.1:{{dead2}}; }
            {{lab.Server($$"""
                location /refused { proxy_pass http://127.0.0.1:{{refused}}; }
                location /missing { {{Fcgi(lab.Nginx.PathOf("run/none.sock"))}} }
                location /denied { {{Fcgi(locked)}} }
                location /stderr { {{Fcgi(php)}} }
                location /slow { proxy_pass http://127.0.0.1:{{ports["slow"]}}; proxy_read_timeout 1s; }
                location /hang { proxy_pass http://127.0.0.1:{{ports["slow"]}}; }
                location /close { proxy_pass http://127.0.0.1:{{ports["close"]}}; }
                location /reset { proxy_pass http://127.0.0.1:{{ports["reset"]}}; }
                location /big { proxy_pass http://127.0.0.1:{{ports["bigheader"]}}; }
                location /garbage { proxy_pass http://127.0.0.1:{{ports["garbage"]}}; }
                location /badheader { proxy_pass http://127.0.0.1:{{ports["badheader"]}}; }
                location /shortbody { proxy_pass http://127.0.0.1:{{ports["shortbody"]}}; }
                location /tls { proxy_pass https://127.0.0.1:{{ports["afterhello"]}}; }
                location /nores { set $b nonexistent.invalid; proxy_pass http://$b; }
                location /group { proxy_pass http://two; }
                """)}}
            """);

        var expected = new (string Path, string Kind)[]
        {
            ("/refused", "connect-refused"), ("/missing", "socket-missing"), ("/denied", "socket-denied"), ("/stderr", "fastcgi-stderr"),
            ("/slow", "read-timeout"), ("/close", "premature-close"), ("/reset", "premature-close"), ("/big", "header-too-big"),
            ("/garbage", "http09"), ("/badheader", "invalid-response"), ("/shortbody", "body-failure"), ("/tls", "tls-error"),
            ("/nores", "dns"), ("/group", "server-disabled"), ("/group", "no-live-upstreams"), ("/hang", "client-closed"),
        };
        foreach (var path in expected.Select(e => e.Path).Where(p => p != "/hang").Distinct().Append("/group"))
        {
            await RequestAsync(lab.Port, path);
        }

        await RequestAsync(lab.Port, "/hang", abandonAfter: TimeSpan.FromMilliseconds(500));
        await Task.Delay(500);

        AssertClassified(lab, expected);
    }

    [SkippableFact]
    public async Task Network_failures_real_nginx_logs_in_a_namespace_of_the_test_are_parsed_and_classified()
    {
        using var ns = Namespaces.CreateNetwork();
        using var lab = new ScenarioLab();
        lab.Nginx.Wrapper = ns.Wrapper;
        // Inside the namespace only: a route that answers "unreachable", two ephemeral ports, a DROP rule.
        Namespaces.Run("ip", "netns", "exec", ns.Name, "ip", "route", "add", "unreachable", "10.98.0.0/24");
        Namespaces.Run("ip", "netns", "exec", ns.Name, "sh", "-c", "echo '40000 40001' > /proc/sys/net/ipv4/ip_local_port_range");
        var (slow, dropped) = (ScenarioLab.FreePort(), ScenarioLab.FreePort());
        await lab.StartFakeAsync(slow, "slow", 3);
        await lab.StartNginxAsync(lab.Server($$"""
            location /noroute { proxy_pass http://10.99.0.1:80; }
            location /unreachable { proxy_pass http://10.98.0.1:80; }
            location /dropped { proxy_pass http://127.0.0.1:{{dropped}}; proxy_connect_timeout 1s; }
            location /ports { proxy_pass http://127.0.0.1:{{slow}}; }
            """));
        ns.FilterPort(dropped);

        // The client's own connections take fixed source ports, so that nginx's connects alone share the two.
        const string Client = """
            import http.client, sys, threading
            def get(path, source):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20, source_address=("127.0.0.1", source))
                    c.request("GET", path)
                    c.getresponse().read()
                    c.close()
                except Exception:
                    pass
            for i, path in enumerate(["/noroute", "/unreachable", "/dropped"]):
                get(path, 50000 + i)
            threads = [threading.Thread(target=get, args=("/ports", 50010 + i)) for i in range(4)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            """;
        Namespaces.Run("ip", "netns", "exec", ns.Name, "python3", "-c", Client, ScenarioLab.Str(lab.Port));

        AssertClassified(lab, [("/noroute", "unreachable"), ("/unreachable", "unreachable"), ("/dropped", "connect-timeout"), ("/ports", "ports-exhausted")]);
    }

    [SkippableFact]
    public async Task Worker_connections_running_out_real_nginx_logs_is_parsed_and_classified()
    {
        using var lab = new ScenarioLab();
        var slow = ScenarioLab.FreePort();
        await lab.StartFakeAsync(slow, "slow", 2);
        // The listening socket, the worker's channel to its master and three requests (each a client and an upstream
        // connection) take 8 of the 9; the fourth is accepted and has no connection left for its upstream. One after another, so that none is an idle
        // connection nginx could close to make room ("reusing connections").
        await lab.StartNginxAsync(lab.Server($"location /busy {{ proxy_pass http://127.0.0.1:{slow}; }}"), workerConnections: 9);
        var requests = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            requests.Add(RequestAsync(lab.Port, "/busy"));
            await Task.Delay(200);
        }

        await Task.WhenAll(requests);

        AssertClassified(lab, [("/busy", "fd-exhausted")]);
    }

    /// <summary>Each expected (path, kind) has a line of that kind for that request, and nothing about an upstream is left unclassified.</summary>
    private static void AssertClassified(ScenarioLab lab, IReadOnlyList<(string Path, string Kind)> expected)
    {
        var lines = File.ReadAllLines(lab.Nginx.PathOf("logs/error.log"));
        var parsed = lines.Select(l => (Line: l, Entry: ErrorLogParser.Parse(l))).Where(x => x.Entry is not null)
            .Select(x => (x.Line, Entry: x.Entry!, Kind: ErrorClassifier.Classify(x.Entry!)?.Kind.Code())).ToList();
        var report = string.Join("\n", parsed.Select(p => $"{p.Kind ?? "-"}  {p.Line}"));
        foreach (var (path, kind) in expected)
        {
            var hit = parsed.FirstOrDefault(p => p.Kind == kind && p.Entry.Request == $"GET {path} HTTP/1.1");
            Assert.True(hit.Line is not null, $"no {kind} line for {path} in:\n{report}");
            Assert.Equal("127.0.0.1", hit.Entry.Client);
            Assert.Equal("scenario.test", hit.Entry.Server);
            Assert.True(kind == "dns" || ErrorClassifier.Peer(hit.Entry) is not null, hit.Line);
        }

        // Nothing nginx said about an upstream in this run is left unclassified.
        Assert.DoesNotContain(parsed, p => p.Entry.Upstream is not null && p.Kind is null or "unclassified");
    }

    /// <summary>
    /// A request on a raw connection, read to its end whatever comes back (an HTTP/0.9 pass-through, a cut body);
    /// with <paramref name="abandonAfter"/>, the client goes away before the answer instead: nginx's 499.
    /// </summary>
    private static async Task RequestAsync(int port, string path, TimeSpan? abandonAfter = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: scenario.test\r\nConnection: close\r\n\r\n"));
        if (abandonAfter is { } wait)
        {
            await Task.Delay(wait);
            return;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[16 * 1024];
        while (await stream.ReadAsync(buffer, deadline.Token) > 0)
        {
        }
    }
}
