using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Issue 28, on a box without systemd (sysvinit's `service`, as in containers and on WSL): Debian's own php8.2-fpm,
/// its pool broken the common way, started with `service` and refusing; diagnose names the refusal from php-fpm's own
/// log and gives the command that works here, and fix does not start it again. The pool file and /var/log are this
/// test's own (a private mount namespace): the machine's are not touched.
/// </summary>
public sealed class ServiceManagerScenarios : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-svc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task A_php_fpm_that_refuses_its_pool_is_named_from_its_log_with_this_boxs_start_command()
    {
        Skip.If(Directory.Exists("/run/systemd/system"), "systemd runs here: this scenario is of a box without it");
        Skip.IfNot(File.Exists("/etc/init.d/php8.2-fpm") && File.Exists("/usr/sbin/service") && File.Exists("/etc/php/8.2/fpm/php-fpm.conf"),
            "Debian's php8.2-fpm with its init script is not installed (./test.sh installs it)");
        Skip.IfNot(Environment.UserName == "root", "needs root for a mount namespace");
        using var lab = new ScenarioLab();
        const string socket = "/run/php/php8.2-fpm.sock";
        await lab.StartNginxAsync(lab.Server($"location ~ \\.php$ {{ include /etc/nginx/fastcgi_params; fastcgi_pass unix:{socket}; }}"));
        var pool = Path.Combine(_dir, "pool.d");
        Directory.CreateDirectory(pool);
        File.WriteAllText(Path.Combine(pool, "www.conf"), $"[www]\nuser = www-data\ngroup = www-data\nlisten = {socket}\npm = dynamic\npm.max_children = 1\npm.start_servers = 1\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n");
        // The pool and the log are this namespace's; php-fpm is started by its own init script, and refuses.
        string[] inside = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            $"mount --bind {pool} /etc/php/8.2/fpm/pool.d && mount -t tmpfs tmpfs /var/log && service php8.2-fpm start >/dev/null 2>&1; exec \"$@\"", "sh"];

        var run = NgxDoctorCli.RunUnder(inside, TimeSpan.FromSeconds(90), new Dictionary<string, string>(), "diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        var down = ScenarioLab.Only(run, "upstream-down");
        Assert.Equal("php8.2-fpm is not running: it refuses its configuration (ALERT: [pool www] pm.min_spare_servers(1) and pm.max_spare_servers(3) cannot be greater than pm.max_children(1))",
            down.GetProperty("title").GetString());
        Assert.Contains("/var/log/php8.2-fpm.log", ScenarioLab.Evidence(down), StringComparison.Ordinal);
        var remedy = down.GetProperty("remedy").GetProperty("summary").GetString()!;
        Assert.Contains("`service php8.2-fpm start`", remedy, StringComparison.Ordinal);
        Assert.DoesNotContain("systemctl", remedy, StringComparison.Ordinal);

        var fix = NgxDoctorCli.RunUnder(inside, TimeSpan.FromSeconds(90), new Dictionary<string, string>(), "fix", "--config", lab.Nginx.ConfigFile, "--json");
        Assert.Contains("refuses its configuration", fix.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("systemctl start", fix.Stdout, StringComparison.Ordinal);
    }
}
