using System.Net.Sockets;
using System.Text;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// `fix --apply` where a client chose the failing request (a side-effecting query, an absolute-form target) and where
/// the configuration is private: the replay is a safe one, and the backups are as private as the files they copy.
/// </summary>
public sealed class FixSafetyScenarios : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    private CliRun Fix(ScenarioLab lab, params string[] args) => lab.Fix(_state, args);

    /// <summary>A request as a client would write it, bytes and all; returns nginx's status line.</summary>
    private static async Task<string> RawAsync(int port, string requestLine)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: scenario.test\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    /// <summary>A backend slower than proxy_read_timeout: every request is a 504 until fix raises the timeout.</summary>
    private static async Task<ScenarioLab> TimeoutLabAsync(string extra = "")
    {
        var lab = new ScenarioLab();
        try
        {
            var port = ScenarioLab.FreePort();
            await lab.StartFakeAsync(port, "slow", 2);
            await lab.StartNginxAsync(lab.Server($"location / {{\n            proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)};\n            proxy_read_timeout 1s;\n            {extra}\n        }}"));
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [SkippableFact]
    public async Task A_logged_request_with_a_query_is_replayed_as_its_path_only()
    {
        using var lab = await TimeoutLabAsync("proxy_set_header Authorization \"Bearer PLANTED-SECRET\";");
        Assert.Contains(" 504 ", await RawAsync(lab.Port, "GET /admin/drop-all-tables?confirm=yes HTTP/1.1"), StringComparison.Ordinal);

        var run = Fix(lab, "--apply", "--yes");
        // The diff's context quotes the line beside the edit: redacted, as every output is.
        Assert.Contains("proxy_set_header Authorization [redacted];", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PLANTED-SECRET", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0 && run.Stdout.Contains("APPLIED", StringComparison.Ordinal), run.ToString());
        Assert.Contains("GET /admin/drop-all-tables (the logged request, without its query)", run.Stdout, StringComparison.Ordinal);
        var log = File.ReadAllLines(lab.Nginx.PathOf("logs/access.log"));
        Assert.Single(log, l => l.Contains("confirm=yes", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("\"GET /admin/drop-all-tables HTTP/1.1\" 200", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_logged_absolute_form_request_does_not_crash_the_apply_and_its_path_is_replayed()
    {
        using var lab = await TimeoutLabAsync();
        Assert.Contains(" 504 ", await RawAsync(lab.Port, "GET http://scenario.test/app/ HTTP/1.1"), StringComparison.Ordinal);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0 && run.Stdout.Contains("APPLIED", StringComparison.Ordinal), run.ToString());
        Assert.DoesNotContain("internal error", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains("GET /app/ (the logged request)", run.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_logged_post_is_never_replayed_and_a_private_config_is_backed_up_as_private()
    {
        using var lab = await TimeoutLabAsync();
        File.SetUnixFileMode(lab.Nginx.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains(" 504 ", await RawAsync(lab.Port, "POST /orders/cancel HTTP/1.1\r\nContent-Length: 0"), StringComparison.Ordinal);

        var run = Fix(lab, "--apply", "--yes");
        Assert.True(run.ExitCode == 0 && run.Stdout.Contains("APPLIED", StringComparison.Ordinal), run.ToString());
        Assert.Contains("the logged POST is not replayed", run.Stdout, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(lab.Nginx.PathOf("logs/access.log")), l => l.Contains("POST", StringComparison.Ordinal));

        var apply = Directory.GetDirectories(Path.Combine(_state, "backups")).Single();
        const UnixFileMode dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(dir, File.GetUnixFileMode(_state));
        Assert.Equal(dir, File.GetUnixFileMode(apply));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(apply, "0")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(apply, "manifest.json")));
    }
}
