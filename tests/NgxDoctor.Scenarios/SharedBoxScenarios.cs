using System.Globalization;
using System.Text.Json.Nodes;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// The entry points another local user can reach where root runs ngxdoctor (issue 25): files named like commands in the
/// current directory, response files, a password file as configuration, FIFOs and devices by name, bundles from other
/// hosts, metrics and Markdown. Each attack is made for real by an unprivileged user the test makes.
/// </summary>
[Collection("hostile-user")]
public sealed class SharedBoxScenarios : IDisposable
{
    private const string Secret = "ROOTONLY-5c2e8";
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("ngxdoctor-shared-").FullName;
    private readonly TestUser _user = TestUser.Make();

    public SharedBoxScenarios() => File.SetUnixFileMode(_root, (UnixFileMode)0x1ed);

    public void Dispose() => Directory.Delete(_root, true);

    private string RootOnly(string name, string text)
    {
        var dir = Path.Combine(_root, "root-only");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, text);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }

    private string Config(string http = "", string accessLog = "access_log off;")
    {
        var conf = Path.Combine(_root, "nginx.conf");
        File.WriteAllText(conf, $"pid {_root}/nginx.pid;\nerror_log {_root}/error.log;\nevents {{}}\nhttp {{\n  {accessLog}\n  {http}\n  server {{ listen 127.0.0.1:2; location / {{ proxy_pass http://127.0.0.1:1; }} }}\n}}\n");
        return conf;
    }

    private static void OneLine(CliRun run)
    {
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_file_named_like_a_command_in_the_current_directory_never_makes_it_an_ansible_module()
    {
        var shared = _user.Dir(_root, "project");
        var task = $$"""{"_ansible_x": 1, "command": "diagnose", "config": "{{Config()}}"}""";
        _user.Sh($"cd {shared} && printf '%s' '{task}' > diagnose && ln -s diagnose logs && cp diagnose upstreams", Quick);

        foreach (var word in new[] { "diagnose", "logs", "upstreams" })
        {
            var run = NgxDoctorCli.RunIn(shared, TimeSpan.FromSeconds(60), word);
            Assert.DoesNotContain("\"changed\"", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("_ansible", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }

        // Ansible's own form, one absolute path, is taken only from a file of this user that no one else may write.
        var absolute = NgxDoctorCli.RunIn(shared, Quick, Path.Combine(shared, "diagnose"));
        OneLine(absolute);
        Assert.Contains("not read", absolute.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\"changed\"", absolute.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_response_file_another_user_wrote_is_never_read_in()
    {
        var victim = Path.Combine(_root, "victim");
        File.WriteAllText(victim, "ORIGINAL\n");
        var drop = _user.Dir(_root, "drop");
        _user.Sh($"printf '15m\\n--save-facts\\n{victim}\\n' > {drop}/rsp && printf 'upstream-down\\n' > {drop}/cause");

        var since = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", Config(), "--since", $"@{drop}/rsp");
        OneLine(since);
        Assert.Equal("ORIGINAL\n", File.ReadAllText(victim));
        // Through watch's settings file too, whose options are parsed again with the command line's.
        var untouched = Directory.CreateTempSubdirectory("ngxdoctor-untouched-").FullName;
        _user.Sh($"printf '2s\\n--textfile\\n{untouched}\\n' > {drop}/window");
        var settings = Path.Combine(_root, "watch.conf");
        File.WriteAllText(settings, "failures = 3\n");
        var watch = NgxDoctorCli.Run(Quick, "watch", "--config", Config(), "--settings", settings, "--window", $"@{drop}/window", "--duration", "2s");
        Assert.True(watch.ExitCode == 3 && !File.Exists(Path.Combine(untouched, "ngxdoctor.prom")), watch.ToString());
        Directory.Delete(untouched, true);
        var explain = NgxDoctorCli.Run(Quick, "explain", $"@{drop}/cause");
        OneLine(explain);
        Assert.Contains($"unknown cause \"@{drop}/cause\"", explain.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_file_that_is_not_nginx_configuration_is_named_with_its_position_never_quoted()
    {
        var shadow = RootOnly("shadow", $"root:$y$j9T${Secret}$hash:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n");
        var direct = NgxDoctorCli.Run(Quick, "upstreams", "--config", shadow);
        OneLine(direct);
        Assert.Contains($"{shadow}:1", direct.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, direct.Stdout + direct.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", direct.Stderr, StringComparison.Ordinal);

        var included = NgxDoctorCli.Run(Quick, "route", "http://x/", "--config", Config($"include {shadow};"));
        OneLine(included);
        Assert.Contains(shadow, included.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, included.Stdout + included.Stderr, StringComparison.Ordinal);

        // The same through Ansible: an arguments file of root's own naming the password file as the config.
        var own = Directory.CreateTempSubdirectory("ansible-tmp-").FullName;
        var args = Path.Combine(own, "args");
        File.WriteAllText(args, $$"""{"_ansible_check_mode": false, "command": "diagnose", "config": "{{shadow}}"}""");
        var module = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), args);
        Directory.Delete(own, true);
        Assert.True(JsonNode.Parse(module.Stdout)!["failed"]!.GetValue<bool>(), module.ToString());
        Assert.DoesNotContain(Secret, module.Stdout + module.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void FIFOs_and_devices_named_as_arguments_or_in_the_current_directory_never_block_or_grow_memory()
    {
        var dir = _user.Dir(_root, "fifos");
        _user.Sh($"cd {dir} && mkfifo route && mkfifo pipe && ln -s /dev/zero explain && ln -s /dev/zero zero.json");
        var pipe = Path.Combine(dir, "pipe");
        var zero = Path.Combine(dir, "zero.json");
        var runs = new[]
        {
            NgxDoctorCli.RunIn(dir, Quick, "route"),
            NgxDoctorCli.RunIn(dir, Quick, "explain"),
            NgxDoctorCli.Run(Quick, pipe),
            NgxDoctorCli.Run(Quick, "report", pipe),
            NgxDoctorCli.Run(Quick, "report", zero),
            NgxDoctorCli.Run(Quick, "report", "/dev/zero"),
            NgxDoctorCli.Run(Quick, "diagnose", "--from", pipe),
            NgxDoctorCli.Run(Quick, "diagnose", "--facts", zero),
            NgxDoctorCli.Run(Quick, "upstreams", "--config", pipe),
            NgxDoctorCli.Run(Quick, "watch", "--config", Config(), "--settings", pipe, "--duration", "1s"),
        };
        Assert.All(runs, r =>
        {
            OneLine(r);
            Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), r.ToString());
        });
        Assert.Contains("is a FIFO", runs[3].Stderr, StringComparison.Ordinal);
        Assert.Contains("is a character device", runs[5].Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_bundle_whose_headers_claim_gigabytes_is_refused_before_anything_is_allocated()
    {
        var dir = _user.Dir(_root, "bundles");
        var make = Path.Combine(dir, "make.py");
        File.WriteAllText(make, """
            import gzip, sys
            def header(name, size, kind):
                h = bytearray(512)
                h[0:len(name)] = name.encode()
                h[100:108] = b'0000644\0'
                h[124:136] = b'%011o\0' % size
                h[136:148] = b'00000000000\0'
                h[156] = ord(kind)
                h[257:263] = b'ustar\0'
                h[263:265] = b'00'
                h[148:156] = b'        '
                h[148:156] = b'%06o\0 ' % sum(h)
                return bytes(h)
            # What the header claims is there: 400 MiB of one byte, a few hundred KiB once compressed (a gzip bomb).
            claim = 400 * 1024 * 1024
            chunk = b'a' * (1024 * 1024)
            for path, kind in ((sys.argv[1], 'x'), (sys.argv[2], 'L'), (sys.argv[3], '0')):
                with gzip.open(path, 'wb', compresslevel=6) as f:
                    f.write(header('PaxHeaders/facts.json' if kind == 'x' else '././@LongLink' if kind == 'L' else 'facts.json', claim, kind))
                    for _ in range(claim // len(chunk)):
                        f.write(chunk)
            """);
        var names = new[] { "pax.tar.gz", "longname.tar.gz", "huge.tar.gz" }.Select(n => Path.Combine(dir, n)).ToArray();
        _user.Sh($"python3 {make} {string.Join(' ', names)}");

        foreach (var bundle in names)
        {
            // The peak memory of the run, from the kernel's account of a child (python's getrusage), in KiB.
            string[] measured = ["-c", "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], capture_output=True, text=True)\nprint(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nsys.stderr.write(r.stderr)",
                .. NgxDoctorCli.Command, "diagnose", "--from", bundle];
            var run = Processes.Run("python3", TimeSpan.FromSeconds(60), null, measured);
            var fields = run.Stdout.Trim().Split(' ');
            Assert.True(fields[0] == "3", run.ToString());
            Assert.True(long.Parse(fields[1], CultureInfo.InvariantCulture) < 200 * 1024, $"peak RSS {fields[1]} KiB\n{run}");
            var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(bundle, line, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void Metrics_on_a_bare_port_listen_on_loopback_only()
    {
        var port = ScenarioLab.FreePort();
        var watch = Task.Run(() => NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "watch", "--config", Config(), "--metrics-listen", $":{port}", "--duration", "5s", "--plain"));
        var listening = "";
        for (var i = 0; i < 40 && listening.Length == 0; i++)
        {
            Thread.Sleep(100);
            listening = string.Join(' ', File.ReadAllLines("/proc/net/tcp").Concat(File.Exists("/proc/net/tcp6") ? File.ReadAllLines("/proc/net/tcp6") : [])
                .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 3 && f[3] == "0A" && f[1].EndsWith($":{port:X4}", StringComparison.Ordinal)).Select(f => f[1]));
        }

        var run = watch.Result;
        Assert.True(listening == $"0100007F:{port:X4}", $"listening on [{listening}]\n{run}");
    }

    [SkippableFact]
    public async Task Control_bytes_from_a_log_never_reach_metrics_raw_and_html_from_another_host_never_reaches_markdown()
    {
        var logs = _user.Dir(_root, "logs");
        var textfile = Directory.CreateTempSubdirectory("ngxdoctor-prom-").FullName;
        var conf = Config(accessLog: $"log_format up '$remote_addr [$time_local] \"$request\" $status $upstream_addr';\n  access_log {logs}/access.log up;");
        _user.Sh($"touch {logs}/access.log");
        var watch = Task.Run(() => NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "watch", "--config", conf, "--textfile", textfile, "--duration", "4s", "--plain"));
        await Task.Delay(1500);
        var when = DateTime.UtcNow.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";
        _user.Sh($"printf '127.0.0.1 [{when}] \"GET / HTTP/1.1\" 502 10.0.0.1:80\\033[2J\\033]0;owned\\007\\n' >> {logs}/access.log");
        var run = await watch;
        var prom = File.ReadAllBytes(Path.Combine(textfile, "ngxdoctor.prom"));
        Directory.Delete(textfile, true);
        Assert.True(System.Text.Encoding.UTF8.GetString(prom).Contains("10.0.0.1:80", StringComparison.Ordinal), run + System.Text.Encoding.UTF8.GetString(prom));
        Assert.DoesNotContain(prom, b => b is 0x1b or 0x07);

        var doc = JsonNode.Parse(NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf, "--json").Stdout)!;
        doc["hostname"] = "<img src=x onerror=alert(1)>";
        doc["findings"]![0]!["title"] = "<script>alert(1)</script> \u001b[2J";
        var file = Path.Combine(_root, "host.json");
        File.WriteAllText(file, doc.ToJsonString());
        var md = NgxDoctorCli.Run(Quick, "report", "--format", "markdown", file);
        Assert.Contains("&lt;script&gt;", md.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", md.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", md.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u001b", md.Stdout, StringComparison.Ordinal);
    }
}
