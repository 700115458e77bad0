using System.Globalization;
using System.Text.Json;
using NgxDoctor.Host.Lab;
using NgxDoctor.TestSupport;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

// `dotnet test --filter "Category!=Scenario"` leaves out every test that starts real processes.
[assembly: AssemblyTrait("Category", "Scenario")]

namespace NgxDoctor.Scenarios;

/// <summary>A real nginx on 127.0.0.1 under a temp prefix with real backends (python, node, php-fpm), all stopped by PID on dispose.</summary>
public sealed class ScenarioLab : IDisposable
{
    public const string PhpFpm = "/usr/sbin/php-fpm8.2";

    public ScenarioLab()
    {
        Skip.If(NgxDoctor.Host.Nginx.NginxBinary.Locate(null) is null, "nginx is not installed (apt-get install -y nginx; ./test.sh installs it)");
        Nginx = NginxLab.Create();
    }

    /// <summary>A program a scenario needs, or the scenario is skipped with the reason.</summary>
    public static string Need(string program, string package) =>
        DemoScenario.FindOnPath(program) ?? throw new SkipException($"{program} is not installed (apt-get install -y {package}; ./test.sh installs it)");

    public NginxLab Nginx { get; }

    public int Port => Nginx.Port;

    public string Root => Nginx.Root;

    public static int FreePort() => LabProcess.FreePort();

    public async Task<LabProcess> StartPythonAsync(int port, string address = "127.0.0.1")
    {
        var python = Need("python3", "python3");
        var p = Nginx.StartProcess(python, ["-m", "http.server", "--bind", address, "--directory", Nginx.PathOf("www"), Str(port)]);
        await p.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        return p;
    }

    /// <summary>A deliberately broken HTTP backend (tests/TestSupport/fake_backend.py): ok, slow S, close, bigheader, garbage, status502.</summary>
    /// <summary>With <paramref name="tls"/> (PEM certificate and key files) it speaks TLS.</summary>
    public async Task<LabProcess> StartFakeAsync(int port, string mode, double arg = 0, (string Cert, string Key)? tls = null, string address = "127.0.0.1")
    {
        var python = Need("python3", "python3");
        var script = Path.Combine(AppContext.BaseDirectory, "fake_backend.py");
        string[] args = [script, mode, $"{address}:{Str(port)}", arg.ToString(CultureInfo.InvariantCulture), .. tls is { } t ? new[] { t.Cert, t.Key } : []];
        var p = Nginx.StartProcess(python, args);
        await p.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        return p;
    }

    /// <summary>A DNS server of the test's own on 127.0.0.1:PORT/udp (tests/TestSupport/fake_dns.py): "silent", or "answer" from a table file.</summary>
    public async Task<LabProcess> StartDnsAsync(int port, string mode, string? table = null)
    {
        var python = Need("python3", "python3");
        var p = Nginx.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "fake_dns.py"), mode, Str(port), .. table is null ? Array.Empty<string>() : [table]]);
        for (var i = 0; i < 200 && !p.Output.Contains("ready", StringComparison.Ordinal); i++)
        {
            Assert.False(p.HasExited, p.Output);
            await Task.Delay(50);
        }

        return p;
    }

    /// <summary>Sends requests through nginx, all at once; returns the status codes.</summary>
    public async Task<int[]> GetAsync(string path, int times = 1, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var tasks = Enumerable.Range(0, times).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{Port}{path}"));
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var r = await http.SendAsync(request);
            return (int)r.StatusCode;
        });
        return await Task.WhenAll(tasks);
    }

    public async Task<LabProcess> StartNodeAsync(int port, string address = "127.0.0.1")
    {
        var node = DemoScenario.FindOnPath("node") ?? Need("nodejs", "nodejs");
        var p = Nginx.StartProcess(node, ["-e", $"require('http').createServer((q, r) => r.end('node ok')).listen({port}, '{address}')"]);
        await p.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        return p;
    }

    /// <summary>PHP-FPM with one pool on a unix socket (owner, group and mode as given), or on "127.0.0.1:PORT" (with its listen.allowed_clients, if given).</summary>
    public async Task<LabProcess> StartPhpFpmAsync(string socketPath, string owner = "nobody", string group = "nogroup", string mode = "0660", int maxChildren = 2, int backlog = 511, string processManager = "static", string? statusPath = null, string? pingPath = null, string? slowlogTimeout = null, string? allowedClients = null, string? statusListen = null, string? idleTimeout = null)
    {
        if (!File.Exists(PhpFpm))
        {
            throw new SkipException($"{PhpFpm} is not installed (apt-get install -y php8.2-fpm; ./test.sh installs it)");
        }

        var tcpPort = socketPath.StartsWith('/') ? (int?)null : int.Parse(socketPath[(socketPath.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var name = tcpPort is { } port ? $"tcp{Str(port)}" : Path.GetFileNameWithoutExtension(socketPath);
        var conf = Nginx.PathOf($"conf/{name}-fpm.conf");
        File.WriteAllText(conf, $"""
            [global]
            pid = {Nginx.PathOf($"run/{name}-fpm.pid")}
            error_log = {Nginx.PathOf($"logs/{name}-fpm.log")}
            daemonize = no

            [www]
            user = nobody
            group = nogroup
            listen = {socketPath}
            listen.owner = {owner}
            listen.group = {group}
            listen.mode = {mode}
            listen.backlog = {backlog}
            pm = {processManager}
            pm.max_children = {maxChildren}
            pm.start_servers = 1
            pm.min_spare_servers = 1
            pm.max_spare_servers = 1
            {(statusPath is null ? "" : "pm.status_path = " + statusPath)}
            {(statusListen is null ? "" : "pm.status_listen = " + statusListen)}
            {(pingPath is null ? "" : "ping.path = " + pingPath)}
            {(slowlogTimeout is null ? "" : $"slowlog = {Nginx.PathOf("logs/$pool.slow.log")}\nrequest_slowlog_timeout = {slowlogTimeout}")}
            {(allowedClients is null ? "" : "listen.allowed_clients = " + allowedClients)}
            {(idleTimeout is null ? "" : "pm.process_idle_timeout = " + idleTimeout)}
            """);
        var p = Nginx.StartProcess(PhpFpm, ["-F", "-y", conf, "-n"]);
        await p.WaitUntilListeningAsync(tcpPort, tcpPort is null ? socketPath : null, TimeSpan.FromSeconds(15));
        return p;
    }

    /// <summary>A `location ~ \.php$` that passes PHP scripts of the lab's www directory to the pool at <paramref name="socket"/>.</summary>
    public string PhpLocation(string socket) => $$"""
        location ~ \.php$ {
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME {{Nginx.PathOf("www")}}$fastcgi_script_name;
                fastcgi_pass unix:{{socket}};
            }
        """;

    /// <summary>
    /// A PHP-FPM pool too small for its load, behind nginx: one child, a backlog of 2, and /slow.php taking a second;
    /// six concurrent requests have already met a 502 when it returns. The pool's file is conf/small-fpm.conf.
    /// </summary>
    public async Task<(LabProcess Fpm, string Snapshot)> StartSaturatedPoolAsync()
    {
        var sock = Nginx.PathOf("run/small.sock");
        File.WriteAllText(Nginx.PathOf("www/slow.php"), "<?php usleep(1000000); echo 'done';");
        var fpm = await StartPhpFpmAsync(sock, maxChildren: 1, backlog: 2);
        var snapshot = await StartNginxAsync(Server(PhpLocation(sock)));
        Assert.Contains(502, await GetAsync("/slow.php", 6));
        return (fpm, snapshot);
    }

    /// <summary>Writes the http{} body, starts nginx and returns a snapshot of its conf directory.</summary>
    public async Task<string> StartNginxAsync(string httpBody, string mainExtra = "", int workerConnections = 256)
    {
        Nginx.WriteConfig(httpBody, mainExtra, workerConnections);
        await Nginx.StartAsync();
        return TreeSnapshot.Of(Nginx.PathOf("conf"));
    }

    public string Server(string locations) => $$"""
            server {
                listen 127.0.0.1:{{Port}};
                server_name scenario.test;
                {{locations}}
            }
        """;

    /// <summary>Runs `fix` on this lab with its state (backups, history) kept in <paramref name="stateDir"/>.</summary>
    public CliRun Fix(string stateDir, params string[] args) =>
        NgxDoctorCli.RunUnder(Nginx.Wrapper, TimeSpan.FromSeconds(120), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = stateDir }, ["fix", "--config", Nginx.ConfigFile, .. args]);

    /// <summary>Runs `diagnose --json` on this lab, checks the contract invariants, returns the run.</summary>
    public CliRun Diagnose(string confSnapshot, params string[] extra) => DiagnoseUnder(Nginx.Wrapper, confSnapshot, extra);

    /// <summary>The same, as nobody (uid and gid 65534, no groups): what an unprivileged user sees of the same box.</summary>
    public CliRun DiagnoseAsNobody(string confSnapshot, params string[] extra)
    {
        Need("setpriv", "util-linux");
        return DiagnoseUnder(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", .. Nginx.Wrapper], confSnapshot, extra);
    }

    /// <summary>The same with ngxdoctor's state (fix history, watch's incidents) in <paramref name="stateDir"/>.</summary>
    public CliRun DiagnoseWithState(string stateDir, string confSnapshot, params string[] extra) =>
        DiagnoseUnder(Nginx.Wrapper, confSnapshot, extra, new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = stateDir });

    private CliRun DiagnoseUnder(IReadOnlyList<string> wrapper, string confSnapshot, string[] extra, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = NgxDoctorCli.RunUnder(wrapper, TimeSpan.FromSeconds(60), environment ?? new Dictionary<string, string>(), ["diagnose", "--config", Nginx.ConfigFile, "--json", .. extra]);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20), run.ToString());
        Assert.Equal(confSnapshot, TreeSnapshot.Of(Nginx.PathOf("conf")));
        var status = run.Json.GetProperty("status").GetString();
        var expectedExit = status switch { "ok" => 0, "warning" => 1, "critical" => 2, _ => 3 };
        Assert.True(expectedExit == run.ExitCode, run.ToString());
        Assert.True(ReportSchema.Problems(run.Stdout) is null, $"the JSON does not validate against docs/diagnose.schema.json:\n{ReportSchema.Problems(run.Stdout)}\n{run}");
        return run;
    }

    /// <summary>The run's only finding, of this cause; the whole run is the failure message otherwise.</summary>
    public static JsonElement Only(CliRun run, string cause)
    {
        var findings = Findings(run);
        Assert.True(findings.Count == 1 && findings[0].GetProperty("cause").GetString() == cause, run.ToString());
        return findings[0];
    }

    public static IReadOnlyList<JsonElement> Findings(CliRun run) => run.Json.GetProperty("findings").EnumerateArray().ToList();

    public static string Causes(CliRun run) => string.Join(",", Findings(run).Select(f => f.GetProperty("cause").GetString()));

    public static string Evidence(JsonElement finding) => string.Join("\n", finding.GetProperty("evidence").EnumerateArray()
        .Select(e => $"{e.GetProperty("kind").GetString()} | {e.GetProperty("source").GetString()} | {e.GetProperty("text").GetString()}"));

    public static string Str(int n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => Nginx.Dispose();
}
