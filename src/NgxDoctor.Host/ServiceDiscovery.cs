using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host;

/// <summary>
/// The service that should listen on an upstream address, when the host says so: an installed PHP-FPM whose pool
/// listens there (/etc/php/VERSION/fpm) and its systemd unit. Nothing is guessed: no match, no service.
/// </summary>
public static class ServiceDiscovery
{
    public static IReadOnlyList<KnownService> Find(UpstreamInventory inventory, string etc = "/etc", string systemdRun = "/run/systemd/system")
    {
        if (!Directory.Exists(systemdRun))
        {
            return [];
        }

        var found = new List<KnownService>();
        foreach (var main in SafeGlob(Path.Combine(etc, "php"), "*").Select(v => Path.Combine(v, "fpm", "php-fpm.conf")).Where(File.Exists))
        {
            var version = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(main)))!;
            var unit = $"php{version}-fpm";
            if (!new[] { "/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system" }.Any(d => File.Exists(Path.Combine(d, unit + ".service"))))
            {
                continue;
            }

            try
            {
                var config = PhpFpmConfigParser.Load(main);
                found.AddRange(inventory.Targets.Where(t => config.Pools.Any(p => FpmInstance.Matches(p.ListenAddress, t.Address.Text)))
                    .Select(t => new KnownService(t.Address.Text, unit, $"{main} (a pool listens on {t.Address.Text})")));
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
