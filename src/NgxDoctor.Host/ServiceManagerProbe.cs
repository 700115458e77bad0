using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host;

/// <summary>
/// Which service manager runs this box, from what each leaves behind: systemd's /run/systemd/system (its own test,
/// sd_booted), OpenRC's /run/openrc, runit's /run/runit or /etc/runit/runsvdir, s6's /run/s6, a running supervisord,
/// else sysvinit's `service` with /etc/init.d, else a container (/.dockerenv, /run/.containerenv) whose runtime
/// restarts it. <paramref name="root"/> is the box's root (a container's, through /proc/PID/root).
/// </summary>
public static class ServiceManagerProbe
{
    public static ServiceManager Detect(string root = "/", IEnumerable<string>? processNames = null)
    {
        bool Dir(string path) => Directory.Exists(Path.Combine(root, path));
        bool File(string path) => System.IO.File.Exists(Path.Combine(root, path));
        if (Dir("run/systemd/system"))
        {
            return ServiceManager.Systemd;
        }

        if (Dir("run/openrc"))
        {
            return ServiceManager.OpenRc;
        }

        if (Dir("run/runit") || Dir("etc/runit/runsvdir"))
        {
            return ServiceManager.Runit;
        }

        if (Dir("run/s6") || Dir("run/s6-rc"))
        {
            return ServiceManager.S6;
        }

        if (processNames?.Any(n => n is "supervisord") == true)
        {
            return ServiceManager.Supervisord;
        }

        if (Dir("etc/init.d") && (File("usr/sbin/service") || File("sbin/service")))
        {
            return ServiceManager.SysVinit;
        }

        return File(".dockerenv") || File("run/.containerenv") ? ServiceManager.Container : ServiceManager.Unknown;
    }
}
