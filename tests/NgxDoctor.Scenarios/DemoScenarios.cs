using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

public class DemoScenarios
{
    [SkippableFact]
    public void The_demo_breaks_a_throwaway_nginx_diagnoses_it_and_cleans_up()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "ngxdoctor-lab-*").Length;
        var run = NgxDoctorCli.Run("demo");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-> 200 OK", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("-> 502 Bad Gateway", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("CRITICAL", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("upstream-down", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("connection refused (111)", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "ngxdoctor-lab-*").Length);
    }

    [SkippableFact]
    public void Without_an_nginx_binary_the_demo_says_how_to_install_one()
    {
        var run = NgxDoctorCli.Run(TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["NGXDOCTOR_NGINX"] = "/nonexistent/nginx" }, "demo");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("apt-get install -y nginx", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Debians_stock_configuration_yields_ok_and_no_findings()
    {
        Assert.True(File.Exists("/etc/nginx/nginx.conf"), "Debian's nginx package is needed (./test.sh installs it)");
        var run = NgxDoctorCli.Run("diagnose", "--config", "/etc/nginx/nginx.conf", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ok", run.Json.GetProperty("status").GetString());
        Assert.Empty(run.Json.GetProperty("findings").EnumerateArray());
    }
}
