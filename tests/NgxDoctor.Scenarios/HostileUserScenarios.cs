using System.Diagnostics;
using NgxDoctor.Host.Lab;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// What an unprivileged local user (nobody, uid 65534) can plant on a box where root runs ngxdoctor: a program titled
/// as an nginx or php-fpm master, a log or include that is a symlink to a file only root reads, a symlink where a
/// file is written. Each test plants it for real and checks ngxdoctor neither ran it, nor read or wrote through it.
/// </summary>
[Collection("hostile-user")]
public sealed class HostileUserScenarios : IDisposable
{
    private const string Secret = "TOPSECRET-7f3a9";
    private readonly string _root = Directory.CreateTempSubdirectory("ngxdoctor-hostile-").FullName;
    private readonly List<LabProcess> _processes = [];

    public HostileUserScenarios()
    {
        // The test's directory is root's and searchable, as /tmp's children are; what nobody owns lies below it.
        File.SetUnixFileMode(_root, (UnixFileMode)0x1ed);
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        Directory.Delete(_root, true);
    }

    /// <summary>A directory the unprivileged user owns (as /var/log/app or /run/php may be).</summary>
    private string NobodyDir(string name)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        Run("chown", "65534:65534", dir);
        return dir;
    }

    /// <summary>A file only root may read, holding the secret on a line that also looks like an nginx error.</summary>
    private string RootOnlySecret()
    {
        var dir = Path.Combine(_root, "root-only");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "shadow");
        File.WriteAllText(file, $"{DateTime.Now:yyyy/MM/dd HH:mm:ss} [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: x, request: \"GET /{Secret} HTTP/1.1\", upstream: \"http://127.0.0.1:1/{Secret}\"\n{Secret} on;\n"
            + $"[{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss} {DateTimeOffset.Now.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)}] [1] [CRITICAL] WORKER TIMEOUT (pid:1) {Secret}\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {err}");
    }

    /// <summary>Starts <paramref name="program"/> as nobody with the process title <paramref name="title"/> (argv[0]).</summary>
    private async Task<LabProcess> StartAsNobodyAsync(string program, string title, params string[] args)
    {
        var p = LabProcess.Start("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "bash", "-c", "exec -a \"$0\" \"$@\"", title, program, .. args]);
        _processes.Add(p);
        for (var i = 0; i < 100 && !File.ReadAllText($"/proc/{p.Pid}/cmdline").StartsWith(title, StringComparison.Ordinal); i++)
        {
            await Task.Delay(20);
        }

        Assert.StartsWith(title, File.ReadAllText($"/proc/{p.Pid}/cmdline"), StringComparison.Ordinal);
        return p;
    }

    private string MinimalConfig(string extra = "", string http = "")
    {
        var conf = Path.Combine(_root, "nginx.conf");
        File.WriteAllText(conf, $"pid {_root}/nginx.pid;\nerror_log {_root}/error.log;\n{extra}\nevents {{}}\nhttp {{\n  access_log off;\n  {http}\n  server {{ listen 127.0.0.1:2; location / {{ proxy_pass http://127.0.0.1:1; }} }}\n}}\n");
        return conf;
    }


    [SkippableFact]
    public async Task A_program_another_user_titled_as_an_nginx_master_is_never_run_as_root()
    {
        // The program writes down who ran it with -V, as `nginx -V` would be run.
        var dir = NobodyDir("evil");
        var source = Path.Combine(dir, "fake.c");
        var marker = Path.Combine(_root, "ran-as");
        File.WriteAllText(source, $$"""
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                if (argc > 1 && strcmp(argv[1], "-V") == 0) { FILE *f = fopen("{{marker}}", "w"); if (f) { fprintf(f, "%d", (int)getuid()); fclose(f); } return 0; }
                sleep(60); return 0;
            }
            """);
        var binary = Path.Combine(dir, "nginx");
        Run("gcc", "-o", binary, source);
        Run("chown", "65534:65534", binary);
        var fake = await StartAsNobodyAsync(binary, "nginx: master process");

        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", MinimalConfig(), "--json");
        Assert.False(File.Exists(marker), $"the planted binary ran as uid {(File.Exists(marker) ? File.ReadAllText(marker) : "")}\n{run}");
        Assert.Contains($"pid {fake.Pid} is titled as an nginx master, but its binary was not run", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("belongs to uid 65534", run.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_listener_titled_as_gunicorn_whose_log_option_names_a_file_it_cannot_read_has_it_neither_read_nor_quoted()
    {
        var secret = RootOnlySecret();
        var port = LabProcess.FreePort();
        var listen = $"import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', {port.ToString(System.Globalization.CultureInfo.InvariantCulture)}))\ns.listen()\ntime.sleep(60)";
        var fake = await StartAsNobodyAsync("/usr/bin/python3", "gunicorn: master [app]", "-c", listen, "--error-logfile", secret);
        await fake.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(10));
        var conf = MinimalConfig(http: $"server {{ listen 127.0.0.1:3; location / {{ proxy_pass http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}; }} }}");

        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf);
        Assert.Contains($"gunicorn pid {fake.Pid}'s log {secret}: uid 65534, whose process names it, may not read it: not read", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_process_titled_as_a_php_fpm_master_of_a_file_it_cannot_read_has_that_file_neither_read_nor_bundled()
    {
        var secret = RootOnlySecret();
        // A php-fpm-named program on root's path (so the binary passes) and one named otherwise: neither may name the secret.
        var bin = Path.Combine(_root, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "pause.c"), "#include <unistd.h>\nint main(void) { sleep(60); return 0; }\n");
        Run("gcc", "-o", Path.Combine(bin, "php-fpm8.2"), Path.Combine(bin, "pause.c"));
        Run("gcc", "-o", Path.Combine(bin, "pause"), Path.Combine(bin, "pause.c"));
        var named = await StartAsNobodyAsync(Path.Combine(bin, "php-fpm8.2"), $"php-fpm: master process ({secret})");
        var other = await StartAsNobodyAsync(Path.Combine(bin, "pause"), $"php-fpm: master process ({secret})");
        var bundle = Path.Combine(_root, "out.tar.gz");

        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "-o", bundle, "--config", MinimalConfig());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(Secret, BundleText.Of(bundle), StringComparison.Ordinal);
        var notes = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", MinimalConfig()).Stdout;
        Assert.Contains($"pid {named.Pid}'s title names {secret}, which its user (uid 65534) cannot read", notes, StringComparison.Ordinal);
        Assert.Contains($"pid {other.Pid} is titled as a php-fpm master but runs {bin}/pause, not php-fpm", notes, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_log_its_owner_symlinked_to_a_file_only_root_reads_is_named_and_never_quoted_or_bundled()
    {
        var secret = RootOnlySecret();
        var logs = NobodyDir("logs");
        File.CreateSymbolicLink(Path.Combine(logs, "error.log"), secret);
        Run("chown", "-h", "65534:65534", Path.Combine(logs, "error.log"));
        var conf = MinimalConfig(http: $"error_log {logs}/error.log;");
        var bundle = Path.Combine(_root, "out.tar.gz");

        var collect = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "collect", "-o", bundle, "--config", conf);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        Assert.DoesNotContain(Secret, BundleText.Of(bundle), StringComparison.Ordinal);
        var logsRun = NgxDoctorCli.Run("logs", "--config", conf, "--json");
        Assert.DoesNotContain(Secret, logsRun.Stdout + logsRun.Stderr, StringComparison.Ordinal);
        var diagnose = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--config", conf);
        Assert.DoesNotContain(Secret, diagnose.Stdout + diagnose.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{logs}/error.log", diagnose.Stdout, StringComparison.Ordinal);
        Assert.Contains("not read, not quoted", diagnose.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_include_planted_as_a_symlink_to_a_file_only_root_reads_is_refused_by_name_without_its_text()
    {
        var secret = RootOnlySecret();
        var inc = NobodyDir("conf.d");
        File.CreateSymbolicLink(Path.Combine(inc, "site.conf"), secret);
        var conf = MinimalConfig(http: $"include {inc}/*.conf;");

        foreach (var args in new[] { new[] { "upstreams", "--config", conf }, ["route", "http://x/", "--config", conf], ["diagnose", "--config", conf] })
        {
            var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), args);
            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.Contains($"{inc}/site.conf", run.Stderr, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void Facts_and_bundles_are_written_0600_and_a_symlink_planted_at_the_target_is_replaced_not_written_through()
    {
        var victim = Path.Combine(_root, "victim");
        File.WriteAllText(victim, "ORIGINAL\n");
        var drop = NobodyDir("drop");
        var conf = MinimalConfig();
        foreach (var (name, args) in new[] { ("facts.json", new[] { "diagnose", "--config", conf, "--save-facts" }), ("out.tar.gz", ["collect", "--config", conf, "-o"]) })
        {
            var target = Path.Combine(drop, name);
            File.CreateSymbolicLink(target, victim);
            var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), [.. args, target]);
            Assert.True(run.ExitCode is 0 or 1 or 2, run.ToString());
            Assert.Equal("ORIGINAL\n", File.ReadAllText(victim));
            Assert.Null(new FileInfo(target).LinkTarget);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        }
    }
}
