using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Logs;
using NgxDoctor.Host.Lab;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Scenarios;

/// <summary>PHP-FPM's own catalog (§3 of the reference) on lines a real php-fpm writes in the test run.</summary>
public sealed class FpmCatalogScenarios
{
    [SkippableFact]
    public async Task Every_pool_failure_real_php_fpm_logs_is_parsed_and_classified()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        File.WriteAllText(lab.Nginx.PathOf("www/sleep.php"), "<?php sleep(4); echo 'done';");
        var fpm = StartFpm(lab, "main", port, """
            pm = dynamic
            pm.max_children = 1
            pm.start_servers = 1
            pm.min_spare_servers = 1
            pm.max_spare_servers = 1
            request_slowlog_timeout = 1s
            request_terminate_timeout = 2s
            """);
        await fpm.WaitUntilListeningAsync(port, null, TimeSpan.FromSeconds(15));
        await lab.StartNginxAsync(lab.Server($$"""
            location ~ \.php$ {
                    include /etc/nginx/fastcgi_params;
                    fastcgi_param SCRIPT_FILENAME {{lab.Nginx.PathOf("www")}}$fastcgi_script_name;
                    fastcgi_pass 127.0.0.1:{{port}};
                }
            """));

        // Two at once on one child: the first runs slow, then is terminated; the second waits (max_children).
        await lab.GetAsync("/sleep.php", 2);
        var log = lab.Nginx.PathOf("logs/main-fpm.log");
        // A live child (the one terminated a moment ago may still be a zombie, and killing it logs nothing), until PHP-FPM logs the SIGKILL.
        for (var i = 0; i < 50 && !File.ReadAllText(log).Contains("SIGKILL", StringComparison.Ordinal); i++)
        {
            if (ProcessTable.Read().FirstOrDefault(p => p.ParentPid == fpm.Pid && Live(p.Pid)) is { } child)
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(child.Pid).Kill();
                }
                catch (ArgumentException)
                {
                    // gone between the read and the kill: the next round takes another
                }
            }

            await Task.Delay(100);
        }

        var second = StartFpm(lab, "second", port, "pm = static\npm.max_children = 1");
        for (var i = 0; i < 100 && !(second.HasExited && File.ReadAllText(log).Contains("SIGKILL", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
        }

        var entries = File.ReadLines(log).Concat(File.ReadLines(lab.Nginx.PathOf("logs/second-fpm.log")))
            .Select(l => (Line: l, Entry: FpmLogParser.Parse(l))).Where(x => x.Entry is not null)
            .Select(x => (x.Line, Kind: FpmLogParser.Classify(x.Entry!)?.Kind.Code())).ToList();
        var report = string.Join("\n", entries.Select(e => $"{e.Kind ?? "-"}  {e.Line}"));
        foreach (var kind in new[] { "fpm-slow", "fpm-terminated", "fpm-signal", "fpm-max-children", "fpm-killed", "fpm-bind-failed" })
        {
            Assert.True(entries.Any(e => e.Kind == kind), $"no {kind} line in:\n{report}");
        }

        // Every WARNING and ERROR php-fpm wrote here is one the classifier knows.
        Assert.DoesNotContain(entries, e => e.Kind is null && (e.Line.Contains("] WARNING: ", StringComparison.Ordinal) || e.Line.Contains("] ERROR: ", StringComparison.Ordinal)) && !e.Line.Contains("FPM initialization failed", StringComparison.Ordinal));
    }

    private static LabProcess StartFpm(ScenarioLab lab, string name, int port, string pool)
    {
        var conf = lab.Nginx.PathOf($"conf/{name}-fpm.conf");
        File.WriteAllText(conf, $"""
            [global]
            pid = {lab.Nginx.PathOf($"run/{name}-fpm.pid")}
            error_log = {lab.Nginx.PathOf($"logs/{name}-fpm.log")}
            daemonize = no

            [www]
            user = nobody
            group = nogroup
            listen = 127.0.0.1:{ScenarioLab.Str(port)}
            slowlog = {lab.Nginx.PathOf($"logs/{name}.slow.log")}
            {pool}
            """);
        return lab.Nginx.StartProcess(ScenarioLab.PhpFpm, ["-F", "-y", conf, "-n"]);
    }

    private static bool Live(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
