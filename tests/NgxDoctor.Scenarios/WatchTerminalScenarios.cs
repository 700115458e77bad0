using System.Diagnostics;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// `watch` on a real terminal (a tmux pane of the test's own server, read back with capture-pane, as a person sees
/// it): Ctrl-C during an incident ends it, and the screen left behind shows the table and each incident line once
/// (issue 28: they were printed twice).
/// </summary>
public sealed class WatchTerminalScenarios : IDisposable
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"ngxdoctor-tmux-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Tmux("kill-server");
        File.Delete(_socket);
    }

    [SkippableFact]
    public async Task Ctrl_c_leaves_the_table_and_each_incident_line_once()
    {
        Skip.IfNot(File.Exists("/usr/bin/tmux"), "tmux is not installed (./test.sh installs it)");
        using var lab = new ScenarioLab();
        var dead = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
        var command = string.Join(' ', NgxDoctorCli.Command.Concat(["watch", "--config", lab.Nginx.ConfigFile, "--no-bundles", "--failures", "2", "--window", "30s"]).Select(a => $"'{a}'"));
        Assert.Equal(0, Tmux("-f", "/dev/null", "new-session", "-d", "-x", "110", "-y", "60", "-s", "w", $"TERM=xterm {command}").Exit);
        Assert.Equal(0, Tmux("set-option", "-t", "w", "remain-on-exit", "on").Exit);
        await Task.Delay(3000);
        Assert.All(await lab.GetAsync("/", 3), s => Assert.Equal(502, s));
        await WaitAsync(() => Screen().Contains("incident started", StringComparison.Ordinal), "the incident to start");
        Tmux("send-keys", "-t", "w", "C-c");
        await WaitAsync(() => Tmux("display-message", "-p", "-t", "w", "#{pane_dead}").Output.Trim() == "1", "the watch to stop");

        var screen = Screen();
        Assert.Equal(1, Count(screen, "incident started:"));
        Assert.Equal(1, Count(screen, "incident ended:"));
        Assert.Contains("ngxdoctor watch", screen, StringComparison.Ordinal);
    }

    private string Screen() => Tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "w").Output;

    private static int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 150 && !done(); i++)
        {
            await Task.Delay(200);
        }

        Assert.True(done(), $"waited 30 s for {what}");
    }

    private (int Exit, string Output) Tmux(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("tmux", ["-S", _socket, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000);
        return (p.ExitCode, output);
    }
}
