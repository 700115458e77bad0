using NgxDoctor.Host.Fixes;
using NgxDoctor.Host.Proc;

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
}
