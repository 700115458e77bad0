using NgxDoctor.Host.Fixes;
using NgxDoctor.Host.Proc;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>A daemonized php-fpm re-execs on SIGUSR2 and comes back under a new pid: the reload follows it by its pid file.</summary>
public sealed class PhpFpmReloadScenarios : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-fpm-").FullName;

    private string PidFile => Path.Combine(_dir, "fpm.pid");

    public void Dispose()
    {
        if (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid))
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }

        Directory.Delete(_dir, true);
    }

    [SkippableFact]
    public async Task A_daemonized_master_is_followed_to_its_new_pid_and_confirmed_by_its_new_children()
    {
        var conf = Path.Combine(_dir, "fpm.conf");
        File.WriteAllText(conf, $"[global]\npid = {PidFile}\nerror_log = {_dir}/fpm.log\ndaemonize = yes\n[www]\nuser = nobody\ngroup = nogroup\nlisten = {_dir}/fpm.sock\npm = static\npm.max_children = 2\n");
        using (var start = System.Diagnostics.Process.Start(ScenarioLab.PhpFpm, ["-y", conf, "-n"]))
        {
            await start.WaitForExitAsync();
            Assert.Equal(0, start.ExitCode);
        }

        for (var i = 0; i < 100 && !File.Exists(PidFile); i++)
        {
            await Task.Delay(50);
        }

        var first = int.Parse(File.ReadAllText(PidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var (ok, why, second) = await PhpFpmReloader.ReloadAsync(first, null, CancellationToken.None);
        Assert.True(ok, why);
        Assert.NotEqual(first, second);
        Assert.Contains($"re-executed as pid {second}", why, StringComparison.Ordinal);
        Assert.True(PhpFpmMaster.HasTitle(ProcessTable.ReadOne("/proc", second)!));

        // An undo holding only the journal's first pid finds the master again through the configuration's pid file.
        var (again, whyAgain, third) = await PhpFpmReloader.ReloadAsync(first, conf, CancellationToken.None);
        Assert.True(again, whyAgain);
        Assert.NotEqual(second, third);
    }

    /// <summary>
    /// Issue 28: with process_control_timeout = 0 (php-fpm's default) a reload kills a busy child and nginx answers 502;
    /// the reload waits for the request in flight to finish first, and says so.
    /// </summary>
    [SkippableFact]
    public async Task A_reload_waits_for_the_request_in_flight_instead_of_cutting_it()
    {
        using var lab = new ScenarioLab();
        var sock = lab.Nginx.PathOf("run/drain.sock");
        File.WriteAllText(lab.Nginx.PathOf("www/slow.php"), "<?php usleep(1500000); echo 'done';");
        var fpm = await lab.StartPhpFpmAsync(sock, maxChildren: 2);
        await lab.StartNginxAsync(lab.Server(lab.PhpLocation(sock)));
        var config = NgxDoctor.Config.PhpFpm.PhpFpmConfigParser.Load(lab.Nginx.PathOf("conf/drain-fpm.conf"));
        Assert.Equal(0, FpmInFlight.Count(fpm.Pid, config));

        var busy = lab.GetAsync("/slow.php");
        for (var i = 0; i < 50 && FpmInFlight.Count(fpm.Pid, config) == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, FpmInFlight.Count(fpm.Pid, config));
        var (ok, why, _) = await PhpFpmReloader.ReloadAsync(fpm.Pid, null, CancellationToken.None);
        Assert.True(ok, why);
        Assert.Contains("for 1 request(s) in flight to finish first", why, StringComparison.Ordinal);
        var served = await busy;
        Assert.Equal(new[] { 200 }, served);
        Assert.DoesNotContain("recv() failed", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);
    }
}
