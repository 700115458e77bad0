using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Two real nginx, one of them broken: their bundles diagnosed together (`diagnose --from a b`) and their
/// `diagnose --json` documents summarised (`report`), the broken one first and named under its cause.
/// </summary>
public class FleetScenarios
{
    [SkippableFact]
    public async Task Bundles_and_results_of_several_hosts_make_one_fleet_view_with_the_broken_host_first()
    {
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-fleet-").FullName;
        try
        {
            using var healthy = new ScenarioLab();
            using var broken = new ScenarioLab();
            var alive = ScenarioLab.FreePort();
            using var backend = await healthy.StartPythonAsync(alive);
            await healthy.StartNginxAsync(healthy.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(alive)}; }}"));
            var dead = ScenarioLab.FreePort();
            await broken.StartNginxAsync(broken.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
            var ok = await healthy.GetAsync("/");
            Assert.Equal(200, Assert.Single(ok));
            var failing = await broken.GetAsync("/");
            Assert.Equal(502, Assert.Single(failing));

            var results = Directory.CreateDirectory(Path.Combine(dir, "results")).FullName;
            foreach (var (lab, host) in new[] { (healthy, "web1"), (broken, "web2") })
            {
                Assert.Equal(0, NgxDoctorCli.Run("collect", "-o", Path.Combine(dir, host + ".tar.gz"), "--config", lab.Nginx.ConfigFile).ExitCode);
                var run = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--json");
                File.WriteAllText(Path.Combine(results, host + ".json"), run.Stdout);
            }

            var fromBundles = NgxDoctorCli.Run("diagnose", "--from", Path.Combine(dir, "web1.tar.gz"), Path.Combine(dir, "web2.tar.gz"));
            Assert.True(fromBundles.ExitCode == 2, fromBundles.ToString());
            Assert.Contains("CRITICAL  2 host(s): 1 critical, 0 warning, 0 unknown, 1 ok", fromBundles.Stdout, StringComparison.Ordinal);
            Assert.Contains($"upstream-down (critical, 1 host(s))", fromBundles.Stdout, StringComparison.Ordinal);
            Assert.Contains($"Nothing is listening on 127.0.0.1:{ScenarioLab.Str(dead)}", fromBundles.Stdout, StringComparison.Ordinal);
            var json = NgxDoctorCli.Run("diagnose", "--from", Path.Combine(dir, "web1.tar.gz"), Path.Combine(dir, "web2.tar.gz"), "--json").Json;
            Assert.Equal("critical", json.GetProperty("status").GetString());
            var instances = json.GetProperty("instances").EnumerateArray().Select(i => (i.GetProperty("id").GetString(), i.GetProperty("status").GetString())).ToList();
            Assert.Equal(2, instances.Count);
            // One machine wrote both bundles: one hostname, so the hosts are named by their bundles' file names.
            Assert.Equal([("web2", "critical"), ("web1", "ok")], instances);

            var report = NgxDoctorCli.Run("report", Path.Combine(results, "web1.json"), Path.Combine(results, "web2.json"));
            Assert.True(report.ExitCode == 2, report.ToString());
            var lines = report.Stdout.Split('\n');
            var hosts = Array.IndexOf(lines, "Hosts, worst first");
            Assert.StartsWith("  critical  web2", lines[hosts + 1], StringComparison.Ordinal);
            Assert.StartsWith("  ok        web1", lines[hosts + 2], StringComparison.Ordinal);
            Assert.Contains("    web2  critical  Nothing is listening on 127.0.0.1:", report.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("web1", report.Stdout[report.Stdout.IndexOf("By cause", StringComparison.Ordinal)..], StringComparison.Ordinal);

            var fleet = NgxDoctorCli.Run("report", "--json", Path.Combine(results, "web2.json"), Path.Combine(results, "web1.json")).Json;
            Assert.Equal("web2", fleet.GetProperty("hosts")[0].GetProperty("host").GetString());
            var cause = fleet.GetProperty("causes")[0];
            Assert.Equal("upstream-down", cause.GetProperty("cause").GetString());
            Assert.Equal("web2", Assert.Single(cause.GetProperty("hosts").EnumerateArray()).GetProperty("host").GetString());
            var md = NgxDoctorCli.Run("report", "--format", "markdown", Path.Combine(results, "web1.json"), Path.Combine(results, "web2.json")).Stdout;
            Assert.Contains("| web2 | critical |", md, StringComparison.Ordinal);
            Assert.Contains("## `upstream-down` (critical, 1 host(s))", md, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(results, "junk.json"), "{ not json");
            var bad = NgxDoctorCli.Run("report", Path.Combine(results, "web1.json"), Path.Combine(results, "junk.json"));
            Assert.Equal(3, bad.ExitCode);
            Assert.Contains("junk.json: not a `diagnose --json` document", bad.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
