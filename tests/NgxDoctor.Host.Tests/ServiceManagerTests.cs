using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Tests;

/// <summary>Which service manager a box has, from what each leaves in its root; and why PHP-FPM refused to start, from its log.</summary>
public sealed class ServiceManagerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ngxdoctor-svc-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private void Make(string path, bool file = false)
    {
        var full = Path.Combine(_root, path);
        if (file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, "");
        }
        else
        {
            Directory.CreateDirectory(full);
        }
    }

    [Fact]
    public void Each_manager_is_told_by_what_it_leaves_behind()
    {
        Assert.Equal(ServiceManager.Unknown, ServiceManagerProbe.Detect(_root));
        Make(".dockerenv", file: true);
        Assert.Equal(ServiceManager.Container, ServiceManagerProbe.Detect(_root));
        Make("etc/init.d");
        Make("usr/sbin/service", file: true);
        Assert.Equal(ServiceManager.SysVinit, ServiceManagerProbe.Detect(_root));
        Assert.Equal(ServiceManager.Supervisord, ServiceManagerProbe.Detect(_root, ["bash", "supervisord"]));
        Make("run/runit");
        Assert.Equal(ServiceManager.Runit, ServiceManagerProbe.Detect(_root));
        Make("run/openrc");
        Assert.Equal(ServiceManager.OpenRc, ServiceManagerProbe.Detect(_root));
        Make("run/systemd/system");
        Assert.Equal(ServiceManager.Systemd, ServiceManagerProbe.Detect(_root));
    }

    [Fact]
    public void A_php_fpm_that_refused_its_configuration_is_quoted_from_its_log_since_it_last_ran()
    {
        var log = Path.Combine(_root, "php8.2-fpm.log");
        File.WriteAllText(log, """
            [07-Dec-2026 09:00:00] ERROR: an old error, before it ran
            [07-Dec-2026 09:00:01] NOTICE: fpm is running, pid 812
            [07-Dec-2026 09:59:00] NOTICE: exiting, bye-bye!
            [07-Dec-2026 10:00:00] ALERT: [pool www] pm.min_spare_servers(1) and pm.max_spare_servers(3) cannot be greater than pm.max_children(1)
            [07-Dec-2026 10:00:00] ERROR: failed to post process the configuration
            [07-Dec-2026 10:00:00] ERROR: FPM initialization failed

            """);
        var quotes = FpmRefusal.Read(log);
        Assert.Equal(3, quotes.Count);
        Assert.Contains("cannot be greater than pm.max_children(1)", quotes[0].Text, StringComparison.Ordinal);
        Assert.All(quotes, q => Assert.Equal(log, q.Source));
        Assert.Empty(FpmRefusal.Read(Path.Combine(_root, "none.log")));

        // Errors of a master that runs are not a refusal to start.
        File.WriteAllText(log, "[07-Dec-2026 09:00:01] NOTICE: fpm is running, pid 812\n[07-Dec-2026 09:30:00] ERROR: unable to read what child say: Bad file descriptor (9)\n");
        Assert.Empty(FpmRefusal.Read(log));
        Assert.Empty(FpmRefusal.Read("relative.log"));
    }
}
