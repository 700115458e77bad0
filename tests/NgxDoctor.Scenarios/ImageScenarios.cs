using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// The container image (dist/image: FROM scratch, the native binary and its libraries) run as documented, with the
/// host's PID namespace: it finds a real nginx of the host, reads its configuration through /proc and probes its
/// upstream from nginx's own network namespace (the image's is another).
/// </summary>
[Trait("Category", "Docker")]
public sealed class ImageScenarios
{
    [SkippableFact]
    public async Task The_image_run_with_the_hosts_pids_diagnoses_an_nginx_of_the_host()
    {
        var noDocker = DockerLab.Why();
        Skip.If(noDocker is not null, noDocker);
        Skip.If(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is null or "", "NGXDOCTOR_CLI names no native binary (test.sh sets it)");
        var tag = "ngxdoctor-image-test:" + Guid.NewGuid().ToString("N")[..8];
        Docker("build", Path.Combine(RepoRoot.Path, "dist/image/build-image.sh"), Environment.GetEnvironmentVariable("NGXDOCTOR_CLI")!, tag);
        try
        {
            var size = long.Parse(Docker("inspect", "docker", "image", "inspect", "-f", "{{.Size}}", tag).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(size, 10L << 20, 40L << 20);

            using var lab = new ScenarioLab();
            var dead = ScenarioLab.FreePort();
            await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
            var failing = await lab.GetAsync("/");
            Assert.Equal(502, Assert.Single(failing));
            var master = lab.Nginx.Nginx!.Pid;

            var run = Docker("run", "docker", "run", "--rm", "--pid=host", "--cap-add", "SYS_PTRACE", "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--security-opt", "apparmor=unconfined", tag, "diagnose", "--pid", master.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
            var report = JsonDocument.Parse(run).RootElement;
            Assert.Equal("critical", report.GetProperty("status").GetString());
            var finding = report.GetProperty("findings").EnumerateArray().First();
            Assert.Equal("upstream-down", finding.GetProperty("cause").GetString());
            Assert.Equal($"127.0.0.1:{ScenarioLab.Str(dead)}", finding.GetProperty("upstream").GetString());
            var evidence = finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("text").GetString()).ToList();
            Assert.Contains(evidence, t => t!.StartsWith("connection refused (111)", StringComparison.Ordinal));
            Assert.Contains(evidence, t => t!.Contains($"proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)};", StringComparison.Ordinal));
        }
        finally
        {
            Docker("cleanup", "docker", "image", "rm", "-f", tag);
        }
    }

    private static string Docker(string what, string file, params string[] args)
    {
        var run = Processes.Run(file, TimeSpan.FromMinutes(2), null, args);
        Assert.True(what == "cleanup" || run.Code is 0 or 2, $"{what}: {run}");
        return run.Stdout;
    }
}
