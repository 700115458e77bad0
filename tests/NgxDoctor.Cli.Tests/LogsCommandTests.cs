using System.IO.Compression;
using System.Text;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

public sealed class LogsCommandTests : IDisposable
{
    private const string Format = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_status $upstream_addr $upstream_response_time";
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-logs-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (string Error, string Access) Logs()
    {
        var error = new StringBuilder();
        var access = new StringBuilder();
        for (var i = 0; i < 30; i++)
        {
            var t = new DateTime(2026, 11, 28, 3, 0, 0).AddSeconds(i * 10);
            var request = i == 5 ? "GET /\u001b]0;pwn\u0007\u001b[2J HTTP/1.1" : $"GET /api/{i % 3} HTTP/1.1";
            if (i % 2 == 0)
            {
                error.Append($"{t:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.{i}, server: _, request: \"{request}\", upstream: \"http://127.0.0.1:3000/\"\n");
                access.Append($"10.0.0.{i} - - [{t:dd/MMM/yyyy:HH:mm:ss} +0000] \"{request}\" 504 160 \"-\" \"curl\" 504 127.0.0.1:3000 60.001\r\n");
            }
            else
            {
                access.Append($"10.0.0.{i} - - [{t:dd/MMM/yyyy:HH:mm:ss} +0000] \"{request}\" 200 10 \"-\" \"curl\" 200 127.0.0.1:3000 0.{i:00}\r");
            }
        }

        error.Append("PHP message: a continuation line\n\0\0\0 binary junk\n");
        return (Write("error.log", error.ToString()), Write("access.log", access.ToString()));
    }

    [Fact]
    public void Logs_copied_from_another_box_are_reported_with_escapes_made_visible()
    {
        var (error, access) = Logs();
        var run = NgxDoctorCli.Run("logs", "--file", error, "--file", access, "--log-format", Format, "--since", "1h");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("15  upstream-timeout", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("30 line(s) read, 30 in the window", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:3000", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.DoesNotContain('\u0007', run.Stdout);
        Assert.DoesNotContain('\0', run.Stdout);
    }

    [Fact]
    public void Json_carries_incidents_minutes_and_upstream_latency()
    {
        var (error, access) = Logs();
        var run = NgxDoctorCli.Run("logs", "--file", error, "--file", access, "--log-format", Format, "--since", "1h", "--json");
        Assert.Equal(0, run.ExitCode);
        var logs = run.Json.GetProperty("logs");
        var incident = logs.GetProperty("incidents").EnumerateArray().Single();
        Assert.Equal("read-timeout", incident.GetProperty("kind").GetString());
        Assert.Equal(15, incident.GetProperty("count").GetInt32());
        var access2 = logs.GetProperty("access");
        Assert.True(access2.GetProperty("attributed").GetBoolean());
        Assert.Equal(15, access2.GetProperty("minutes").EnumerateArray().Sum(m => m.GetProperty("status504").GetInt32()));
        var upstream = access2.GetProperty("upstreams").EnumerateArray().Single();
        Assert.Equal(15, upstream.GetProperty("nginxGenerated").GetInt32());
        Assert.Equal(0, upstream.GetProperty("backendGenerated").GetInt32());
        Assert.Equal(60.001, upstream.GetProperty("max").GetDouble());
    }

    [Fact]
    public void Since_counts_back_from_the_newest_entry_of_copied_files()
    {
        var (error, access) = Logs();
        var run = NgxDoctorCli.Run("logs", "--file", error, "--file", access, "--log-format", Format, "--since", "1m", "--json");
        var incident = run.Json.GetProperty("logs").GetProperty("incidents").EnumerateArray().Single();
        Assert.Equal(3, incident.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Since_counts_back_from_the_newest_entry_of_gzipped_files_too()
    {
        var (error, access) = Logs();
        string Gzip(string file)
        {
            using (var output = File.Create(file + ".gz"))
            using (var gz = new GZipStream(output, CompressionLevel.Fastest))
            {
                gz.Write(File.ReadAllBytes(file));
            }

            return file + ".gz";
        }

        var run = NgxDoctorCli.Run("logs", "--file", Gzip(error), "--file", Gzip(access), "--log-format", Format, "--since", "1m", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var incident = run.Json.GetProperty("logs").GetProperty("incidents").EnumerateArray().Single();
        Assert.Equal(3, incident.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Gateway_errors_of_an_access_log_without_its_error_log_are_never_no_upstream_failure()
    {
        var (_, access) = Logs();
        var run = NgxDoctorCli.Run("logs", "--file", access, "--log-format", Format, "--since", "1h");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("No upstream failure", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("15 502/504 response(s) in the access log, and no error-log entry says why: no error log was read", run.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        var json = NgxDoctorCli.Run("logs", "--file", access, "--log-format", Format, "--since", "1h", "--json");
        Assert.Equal(15, json.Json.GetProperty("unexplainedGatewayErrors").GetInt32());
        Assert.False(json.Json.GetProperty("errorLogRead").GetBoolean());
    }

    [Fact]
    public void Unreadable_corrupt_and_foreign_files_are_named_and_the_rest_is_read()
    {
        var (error, _) = Logs();
        var gz = Path.Combine(_dir, "old.log.gz");
        File.WriteAllBytes(gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55]);
        var foreign = Write("syslog", "Nov 28 03:00:00 host kernel: something\n");
        var run = NgxDoctorCli.Run("logs", "--file", error, "--file", _dir, "--file", gz, "--file", foreign, "--file", "/dev/zero");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("is a directory", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("character device", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("neither an nginx error log nor an access log in nginx's combined format (give the log_format with --format)", run.Stdout.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("15  upstream-timeout", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_unreadable_files_exit_3()
    {
        var bz2 = Path.Combine(_dir, "old.log.2.bz2");
        File.WriteAllBytes(bz2, [(byte)'B', (byte)'Z', (byte)'h', (byte)'9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
        var run = NgxDoctorCli.Run("logs", "--file", Path.Combine(_dir, "none.log"), "--file", bz2);
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("no such file", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("old.log.2.bz2: bzip2-compressed; ngxdoctor reads plain and gzip logs", run.Stdout.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("No log could be read: nothing is known of the window.", run.Stdout.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("No upstream failure", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_log_is_read_and_holds_no_failure()
    {
        var run = NgxDoctorCli.Run("logs", "--file", Write("just-rotated.log", ""));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("just-rotated.log: 0 line(s) read", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("No upstream failure in the window.", run.Stdout, StringComparison.Ordinal);
    }
}
