using System.Globalization;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx in a private mount namespace of the host, as systemd's PrivateTmp= starts it (Fedora's and RHEL's
/// nginx.service): its binary and root are the host's, so `nginx -t` runs, entered into its mount namespace, where the
/// files it reads are the ones it sees (issue 26). Here a file it includes exists only in its namespace.
/// </summary>
public sealed class PrivateMountScenarios
{
    [SkippableFact]
    public async Task Nginx_t_runs_inside_the_private_mount_namespace_of_a_host_nginx()
    {
        using var lab = new ScenarioLab();
        // Beside the lab, not below the directories nginx -t's sandbox covers with an overlay (which shows no submounts).
        var priv = Directory.CreateTempSubdirectory("ngxdoctor-private-").FullName;
        using var cleanup = new TempDir(priv);
        lab.Nginx.WriteConfig(lab.Server($"include {priv}/extra.conf;\nlocation / {{ root {lab.Root}; }}"));
        var script = $"mount -t tmpfs ngxdoctor-test {priv} && echo 'add_header X-Private yes;' > {priv}/extra.conf "
            + $"&& exec {lab.Nginx.Binary} -p {lab.Root} -c {lab.Nginx.ConfigFile} -e {lab.Nginx.ErrorLog} -g 'daemon off;'";
        var nginx = lab.Nginx.StartProcess("unshare", ["--mount", "--propagation", "private", "sh", "-c", script]);
        await nginx.WaitUntilListeningAsync(lab.Port, null, TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(Path.Combine(priv, "extra.conf")), "the include is visible outside nginx's namespace");
        var pid = nginx.Pid.ToString(CultureInfo.InvariantCulture);

        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--pid", pid, "--json");
        var configTest = run.Json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "config-error");
        Assert.True(configTest.GetProperty("outcome").GetString() == "ran", run.ToString());
        Assert.DoesNotContain("is not run from the host", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ScenarioLab.Findings(run), f => f.GetProperty("cause").GetString() == "config-error");

        // Broken where only nginx sees it: nginx -t, run there, says so.
        File.WriteAllText($"/proc/{pid}/root{priv}/extra.conf", "no_such_directive on;\n");
        var broken = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), "diagnose", "--pid", pid, "--json");
        var error = ScenarioLab.Findings(broken).Single(f => f.GetProperty("cause").GetString() == "config-error");
        Assert.Contains("unknown directive \"no_such_directive\"", ScenarioLab.Evidence(error), StringComparison.Ordinal);
    }
}
