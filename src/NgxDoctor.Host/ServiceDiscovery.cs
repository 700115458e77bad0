using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host;

/// <summary>
/// The service that should listen on an upstream address, when the host says so: an installed PHP-FPM whose pool
/// listens there (/etc/php/VERSION/fpm) and the service that starts it with this box's manager (a systemd unit, or an
/// /etc/init.d script for sysvinit and OpenRC). Nothing is guessed: no match, no service. When it is not running,
/// the last errors of its own log say why (a configuration php-fpm refuses).
/// </summary>
public static class ServiceDiscovery
{
    public static IReadOnlyList<KnownService> Find(UpstreamInventory inventory, ServiceManager manager, string etc = "/etc")
    {
        if (manager is not (ServiceManager.Systemd or ServiceManager.SysVinit or ServiceManager.OpenRc))
        {
            return [];
        }

        var found = new List<KnownService>();
        foreach (var main in SafeGlob(Path.Combine(etc, "php"), "*").Select(v => Path.Combine(v, "fpm", "php-fpm.conf")).Where(File.Exists))
        {
            var version = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(main)))!;
            var unit = $"php{version}-fpm";
            var installed = manager == ServiceManager.Systemd
                ? new[] { "/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system" }.Any(d => File.Exists(Path.Combine(d, unit + ".service")))
                : File.Exists(Path.Combine(etc, "init.d", unit));
            if (!installed)
            {
                continue;
            }

            try
            {
                var config = PhpFpmConfigParser.Load(main);
                var refusal = config.Global.TryGetValue("error_log", out var log) ? FpmRefusal.Read(log.Value) : [];
                found.AddRange(inventory.Targets.Where(t => config.Pools.Any(p => FpmInstance.Matches(p.ListenAddress, t.Address.Text)))
                    .Select(t => new KnownService(t.Address.Text, unit, $"{main} (a pool listens on {t.Address.Text})") { Manager = manager, Refusal = refusal }));
            }
            catch (ConfigParseException)
            {
                // An installed PHP that cannot be read is no evidence either way.
            }
        }

        return found;
    }

    private static IEnumerable<string> SafeGlob(string dir, string pattern)
    {
        try
        {
            return Directory.Exists(dir) ? Directory.GetDirectories(dir, pattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
