using System.Diagnostics;

namespace NgxDoctor.Scenarios;

/// <summary>
/// `error_log syslog:` to journald: a real systemd-journald, in a mount namespace of the test's own (a tmpfs on
/// /run, so the host's journal and sockets are untouched), nginx logging to its dev-log, ngxdoctor reading it back
/// with journalctl.
/// </summary>
public sealed class JournalScenarios
{
    private const string Journald = "/lib/systemd/systemd-journald";

    [SkippableFact]
    public Task Upstream_errors_sent_to_the_journal_are_read_back_as_log_evidence() => WithJournalAsync(async (lab, enter, dead) =>
    {
        Assert.Equal(new[] { 502, 502 }, await lab.GetAsync("/", 2));
        await Task.Delay(500);

        var run = NgxDoctor.TestSupport.NgxDoctorCli.RunUnder(enter, TimeSpan.FromSeconds(60), new Dictionary<string, string>(), "diagnose", "--config", lab.Nginx.ConfigFile, "--json");
        var f = ScenarioLab.Findings(run).First();
        Assert.True(f.GetProperty("cause").GetString() == "upstream-down", run.ToString());
        Assert.True(ScenarioLab.Evidence(f).Contains("the journal (ngxlab) | 2 \"connect-refused\" entries", StringComparison.Ordinal), run.ToString());
    });

    [SkippableFact]
    public Task Watch_follows_the_journal_and_starts_an_incident_from_its_entries() => WithJournalAsync(async (lab, enter, dead) =>
    {
        var watch = Task.Run(() => NgxDoctor.TestSupport.NgxDoctorCli.RunUnder(enter, TimeSpan.FromSeconds(60), new Dictionary<string, string>(),
            "watch", "--config", lab.Nginx.ConfigFile, "--json", "--no-bundles", "--failures", "2", "--duration", "8s"));
        await Task.Delay(3000); // located, the journal asked once
        Assert.Equal(new[] { 502, 502 }, await lab.GetAsync("/", 2));
        var run = await watch;
        Assert.True(run.ExitCode == 2, run.ToString());
        var started = System.Text.Json.JsonDocument.Parse(run.Stdout.Split('\n')[0]).RootElement;
        Assert.Equal(("started", $"127.0.0.1:{ScenarioLab.Str(dead)}", "upstream-down"),
            (started.GetProperty("event").GetString(), started.GetProperty("upstream").GetString(), started.GetProperty("cause").GetString()));
        Assert.Contains("connect() failed (111: Connection refused)", started.GetProperty("firstLine").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ngxlab:", started.GetProperty("firstLine").GetString(), StringComparison.Ordinal);
    });

    /// <summary>A journald of the test's own, nginx (error_log to it, tag ngxlab) proxying to a dead port; then <paramref name="test"/>.</summary>
    private static async Task WithJournalAsync(Func<ScenarioLab, string[], int, Task> test)
    {
        Skip.If(!File.Exists(Journald), $"{Journald} is missing (package systemd)");
        ScenarioLab.Need("journalctl", "systemd");
        using var holder = Process.Start(new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs ngxdoctor-run /run && mkdir -p /run/systemd/journal /run/log/journal && exec sleep 600"]))!;
        try
        {
            var enter = new[] { "nsenter", $"--mount=/proc/{holder.Id}/ns/mnt", "--" };
            WaitFor(() => Namespaces.Run("nsenter", $"--mount=/proc/{holder.Id}/ns/mnt", "--", "sh", "-c", "test -d /run/systemd/journal && echo yes || echo no").Trim() == "yes");
            using var lab = new ScenarioLab();
            lab.Nginx.Wrapper = enter;
            lab.Nginx.StartProcess(Journald, []);
            WaitFor(() => Namespaces.Run("nsenter", $"--mount=/proc/{holder.Id}/ns/mnt", "--", "sh", "-c", "test -S /run/systemd/journal/dev-log && echo yes || echo no").Trim() == "yes");
            var dead = ScenarioLab.FreePort();
            await lab.StartNginxAsync(lab.Server($"error_log syslog:server=unix:/run/systemd/journal/dev-log,tag=ngxlab error; location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
            await test(lab, enter, dead);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
    }

    private static void WaitFor(Func<bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!ready())
        {
            Assert.True(DateTime.UtcNow < deadline, "the journal's mount namespace or socket did not come up");
            Thread.Sleep(50);
        }
    }
}
