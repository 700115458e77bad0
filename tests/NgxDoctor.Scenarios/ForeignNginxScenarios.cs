using System.Diagnostics;
using System.Globalization;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// An nginx another user runs (root's /usr/sbin/nginx started with her own configuration, also inside a user and mount
/// namespace of her own), and logs whose directory another user owns, swapped while `watch` follows them (issue 25):
/// nothing only root may read is quoted, bundled or followed, and nothing blocks.
/// </summary>
[Collection("hostile-user")]
public sealed class ForeignNginxScenarios : IDisposable
{
    private const string Secret = "ROOTONLY-9d41b";
    private readonly string _root = Directory.CreateTempSubdirectory("ngxdoctor-foreign-").FullName;
    private readonly TestUser _alice = TestUser.Make();
    private readonly List<int> _masters = [];

    public ForeignNginxScenarios() => File.SetUnixFileMode(_root, (UnixFileMode)0x1ed);

    public void Dispose()
    {
        foreach (var pid in _masters)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        Directory.Delete(_root, true);
    }

    /// <summary>A file only root reads, whose lines look like nginx's and a directive, each holding the secret.</summary>
    private string RootOnly(string name)
    {
        var dir = Path.Combine(_root, "root-only");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, $"{DateTime.Now:yyyy/MM/dd HH:mm:ss} [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: x, request: \"GET /{Secret} HTTP/1.1\", upstream: \"http://127.0.0.1:1/{Secret}\"\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }

    /// <summary>Alice's nginx: root's binary, her configuration, logs and temp paths in her directory. Its master's pid.</summary>
    private int StartAlicesNginx(string home, string around = "{0}", string first = "")
    {
        var port = ScenarioLab.FreePort().ToString(CultureInfo.InvariantCulture);
        var temps = string.Join(' ', new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(t => $"{t}_temp_path {home}/{t};"));
        File.WriteAllText(Path.Combine(home, "nginx.conf"), $"{first}pid {home}/nginx.pid;\nerror_log {home}/error.log;\nevents {{}}\nhttp {{\n  access_log {home}/access.log;\n  {temps}\n  server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://127.0.0.1:1; }} }}\n}}\n");
        _alice.Chown(Path.Combine(home, "nginx.conf"));
        _alice.Sh(string.Format(CultureInfo.InvariantCulture, around, $"/usr/sbin/nginx -e {home}/error.log -p {home}/ -c {home}/nginx.conf"));
        var pid = int.Parse(File.ReadAllText(Path.Combine(home, "nginx.pid")).Trim(), CultureInfo.InvariantCulture);
        _masters.Add(pid);
        return pid;
    }


    private void AssertNothingLeaks(int pid, string shownPath)
    {
        var bundle = Path.Combine(_root, $"bundle-{pid}.tar.gz");
        var collect = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "--pid", pid.ToString(CultureInfo.InvariantCulture), "-o", bundle);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        Assert.DoesNotContain(Secret, BundleText.Of(bundle), StringComparison.Ordinal);
        foreach (var args in new[] { new[] { "logs" }, ["logs", "--json"], ["diagnose"], ["diagnose", "--json"] })
        {
            var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), [.. args, "--pid", pid.ToString(CultureInfo.InvariantCulture)]);
            Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
            if (args.Length == 1)
            {
                Assert.Contains($"{shownPath}", run.Stdout, StringComparison.Ordinal);
                Assert.Contains($"uid {_alice.Uid}, as whom nginx's master (pid {pid}) runs, may not open it", run.Stdout, StringComparison.Ordinal);
            }
        }
    }

    [SkippableFact]
    public void Logs_and_includes_an_nginx_of_another_user_names_are_read_with_her_rights()
    {
        var home = _alice.Dir(_root, "alice");
        var pid = StartAlicesNginx(home);
        // Her own log, which only she may read, is read with her rights: its failure is counted.
        var line = $"{DateTime.Now:yyyy/MM/dd HH:mm:ss} [error] 7#7: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: \"GET /alice HTTP/1.1\", upstream: \"http://127.0.0.1:1/alice\", host: \"x\"";
        _alice.Sh($"echo '{line}' >> {home}/error.log && chmod 600 {home}/error.log");
        var own = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "logs", "--pid", pid.ToString(CultureInfo.InvariantCulture));
        Assert.True(own.Stdout.Contains("upstream-down", StringComparison.Ordinal) && own.Stdout.Contains("GET /alice", StringComparison.Ordinal), own.ToString());
        var secret = RootOnly("secret.log");
        // After the start she points her logs at a file only root reads: what the configuration says now.
        _alice.Sh($"sed -i 's|error_log {home}/error.log;|error_log {secret};|; s|access_log {home}/access.log;|access_log {secret};|' {home}/nginx.conf");
        AssertNothingLeaks(pid, secret);

        var include = RootOnly("secret.conf");
        File.WriteAllText(include, $"secret_token {Secret};\n");
        _alice.Sh($"sed -i 's|^events|include {include};\\nevents|' {home}/nginx.conf");
        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "--pid", pid.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(_root, "inc.tar.gz"));
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"{include}: cannot read: permission denied", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "inc.tar.gz")), run.ToString());
    }

    [SkippableFact]
    public void A_root_only_file_bound_over_her_log_in_her_own_mount_namespace_is_not_read()
    {
        var home = _alice.Dir(_root, "alice-ns");
        var secret = RootOnly("bound.log");
        var probe = Processes.Run("setpriv", TimeSpan.FromSeconds(10), null, _alice.Wrap("unshare", "-Urm", "true")[1..]);
        Skip.If(probe.Code != 0, $"unprivileged user namespaces are not available here: {probe.Stderr}");
        // Root in her user namespace is uid 0 there; its workers cannot set groups and stop, the master stays.
        var pid = StartAlicesNginx(home, $"unshare -Urm sh -c '{{0}} && mount --bind {secret} {home}/error.log'", "user root root;\n");
        Assert.Contains(Secret, File.ReadAllText($"/proc/{pid}/root{home}/error.log"), StringComparison.Ordinal);
        AssertNothingLeaks(pid, $"/proc/{pid}/root{home}/error.log");
    }

    [SkippableFact]
    public async Task A_log_its_owner_swaps_for_a_link_a_directory_or_a_FIFO_is_a_note_and_watch_keeps_its_duration()
    {
        var logs = _alice.Dir(_root, "logs");
        var secret = RootOnly("watched.log");
        _alice.Sh($"touch {logs}/error.log");
        var conf = Path.Combine(_root, "nginx.conf");
        File.WriteAllText(conf, $"pid {_root}/nginx.pid;\nerror_log {logs}/error.log;\nevents {{}}\nhttp {{ access_log off; server {{ listen 127.0.0.1:2; location / {{ proxy_pass http://127.0.0.1:1; }} }} }}\n");
        var watch = Task.Run(() => NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "watch", "--config", conf, "--duration", "12s", "--plain"));
        // Each state lasts 3 s: a loaded CI machine once missed one that lasted 2 s.
        foreach (var swap in new[] { $"mv error.log old && ln -s {secret} error.log", "rm error.log && mkdir error.log", "rmdir error.log && mkfifo error.log" })
        {
            await Task.Delay(3000);
            _alice.Sh($"cd {logs} && {swap}");
        }

        var run = await watch;
        Assert.True(run.ExitCode is 0 or 2, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20), run.ToString());
        Assert.DoesNotContain("internal error", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        // Each turn is a note of its own: the link not followed, the directory, the FIFO.
        Assert.Contains($"{logs}/error.log: is a FIFO", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{logs}/error.log: is a directory", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(run.Stderr.Split('\n'), l => l.Contains($"{logs}/error.log", StringComparison.Ordinal) && l.Contains("not read, not quoted", StringComparison.Ordinal));

        // collect and diagnose of the same configuration, its error log a FIFO: nothing waits for a writer.
        var collect = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "--config", conf, "-o", Path.Combine(_root, "fifo.tar.gz"));
        Assert.True(collect.ExitCode == 0 && collect.Elapsed < TimeSpan.FromSeconds(10), collect.ToString());
        var diagnose = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf);
        Assert.True(diagnose.Elapsed < TimeSpan.FromSeconds(10), diagnose.ToString());
        Assert.Contains($"{logs}/error.log: is a FIFO", diagnose.Stdout, StringComparison.Ordinal);
    }
}
