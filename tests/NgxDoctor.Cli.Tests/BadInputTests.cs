using System.Text;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>Bad inputs, as a test matrix: a clear one-line error or a finding, never a hang or a stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertOneLineError(CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Stdout);
        var lines = run.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("ngxdoctor: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20), run.ToString());
    }

    [Fact]
    public void A_truncated_config_names_the_file_line_and_column()
    {
        var conf = Write("nginx.conf", "events {}\nhttp {\n  server {\n    listen 80;\n    proxy_pass \"http://a;\n");
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", conf), $"{conf}:5:16: unterminated quoted string");
    }

    [Fact]
    public void Unbalanced_braces_point_at_the_opening_brace()
    {
        var conf = Write("nginx.conf", "events {}\nhttp {\n  server {\n    listen 80;\n}\n");
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", conf), $"{conf}:2:6: unexpected end of file, expecting \"}}\"");
        var extra = Write("extra.conf", "events {}\n}\n");
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", extra), $"{extra}:2:1: unexpected \"}}\"");
    }

    [Theory]
    [InlineData("--probe-timeout", "NaN", "--probe-timeout: NaN is not a number of seconds")]
    [InlineData("--probe-timeout", "-1", "--probe-timeout: -1 is not a number of seconds")]
    [InlineData("--probe-timeout", "1e300", "--probe-timeout: 1E+300 is not a number of seconds")]
    [InlineData("--timeout", "Infinity", "--timeout: Infinity is not a number of seconds")]
    [InlineData("--since", "99999999d", "--since: \"99999999d\" is not a duration")]
    [InlineData("--since", "9999999999999999999s", "--since: \"9999999999999999999s\" is not a duration")]
    public void Out_of_range_numbers_are_one_line_errors(string option, string value, string expected)
    {
        var conf = Write("n.conf", "events {}\nhttp { server { listen 127.0.0.1:2; } }\n");
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", conf, option, value), expected);
    }

    [Theory]
    [InlineData("--metrics-listen", "localhost", "--metrics-listen: \"localhost\" is not ADDR:PORT")]
    [InlineData("--metrics-listen", "127.0.0.1:70000", "is not ADDR:PORT")]
    [InlineData("--error-rate", "150", "--error-rate must be a percent between 0 and 100")]
    [InlineData("--min-requests", "0", "--min-requests must be between 1 and 10000000")]
    [InlineData("--textfile", "/nonexistent/dir", "--textfile: /nonexistent/dir is not a directory")]
    [InlineData("--settings", "/nonexistent/watch.conf", "--settings: /nonexistent/watch.conf does not exist")]
    public void Bad_watch_options_are_one_line_errors(string option, string value, string expected)
    {
        var conf = Write("w.conf", "events {}\nhttp { server { listen 127.0.0.1:2; } }\n");
        AssertOneLineError(NgxDoctorCli.Run("watch", "--config", conf, "--duration", "1s", option, value), expected);
    }

    [Fact]
    public void A_bad_watch_settings_file_names_its_line()
    {
        var conf = Write("w.conf", "events {}\nhttp { server { listen 127.0.0.1:2; } }\n");
        var settings = Write("watch.conf", $"# comment\nconfig = {conf}\nwindow\n");
        AssertOneLineError(NgxDoctorCli.Run("watch", "--settings", settings, "--duration", "1s"), $"{settings}:3: not \"name = value\"");
        settings = Write("watch2.conf", "plain = maybe\n");
        AssertOneLineError(NgxDoctorCli.Run("watch", "--settings", settings, "--config", conf, "--duration", "1s"), "plain takes true or false");
        settings = Write("watch3.conf", "window = forever\n");
        AssertOneLineError(NgxDoctorCli.Run("watch", "--settings", settings, "--config", conf, "--duration", "1s"), "--window: \"forever\" is not a duration");
    }

    [Fact]
    public void A_binary_file_as_config_is_refused()
    {
        var conf = Path.Combine(_dir, "bin.conf");
        File.WriteAllBytes(conf, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe]);
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", conf), "NUL byte at offset 7");
    }

    [Fact]
    public void A_missing_or_special_config_file_is_a_clear_error()
    {
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", Path.Combine(_dir, "none.conf")), "no such file or directory");
        AssertOneLineError(NgxDoctorCli.Run("diagnose", "--config", _dir), "is a directory");
        AssertOneLineError(NgxDoctorCli.Run("upstreams", "--config", "/dev/zero"), "character device, not a regular file");
    }

    [Fact]
    public void An_include_of_a_missing_file_is_a_config_error_finding()
    {
        var conf = Write("nginx.conf", "events {}\nhttp {\n  include sites/missing.conf;\n}\n");
        var run = NgxDoctorCli.Run("diagnose", "--config", conf, "--json");
        Assert.Equal(2, run.ExitCode);
        var f = run.Json.GetProperty("findings")[0];
        Assert.Equal("config-error", f.GetProperty("cause").GetString());
        Assert.Contains("missing.conf", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_include_cycle_terminates_and_is_reported()
    {
        var conf = Write("nginx.conf", "events {}\nhttp { include a.conf; }\n");
        Write("a.conf", "include b.conf;\n");
        Write("b.conf", "include a.conf;\n");
        var run = NgxDoctorCli.Run("diagnose", "--config", conf, "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("include cycle", run.Stdout, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20));

        // nginx would recurse on the cycle until it crashes (SIGSEGV, maybe a core file): nginx -t is not run.
        var f = run.Json.GetProperty("findings")[0];
        Assert.Equal("config-error", f.GetProperty("cause").GetString());
        Assert.Equal("critical", f.GetProperty("severity").GetString());
        Assert.Contains("nginx -t not run: nginx follows the include cycle at ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_of_100k_lines_is_diagnosed_in_bounded_time()
    {
        var sb = new StringBuilder("events {}\nhttp {\n");
        for (var i = 0; i < 20_000; i++)
        {
            sb.Append("server {\n listen 127.0.0.1:").Append(20000 + (i % 50)).Append(";\n location / { proxy_pass http://127.0.0.1:1; }\n}\n");
        }

        sb.Append("}\n");
        var conf = Write("big.conf", sb.ToString());
        Assert.True(File.ReadAllLines(conf).Length >= 80_000);
        var run = NgxDoctorCli.Run("upstreams", "--config", conf, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(20_000, run.Json.GetProperty("sites").GetArrayLength());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public void Escape_sequences_in_a_config_never_reach_the_terminal_raw()
    {
        var conf = Write("nginx.conf", "events {}\nhttp {\n server {\n  listen 127.0.0.1:2;\n  location / { proxy_pass \"http://127.0.0.1:1/\u001b]0;pwn\u0007\u001b[2J\u009b\u202e\"; }\n }\n}\n");
        var text = NgxDoctorCli.Run("diagnose", "--config", conf);
        var json = NgxDoctorCli.Run("diagnose", "--config", conf, "--json");
        var markdown = NgxDoctorCli.Run("diagnose", "--config", conf, "--format", "markdown");
        foreach (var run in new[] { text, json, markdown })
        {
            Assert.Equal(2, run.ExitCode);
            foreach (var output in new[] { run.Stdout, run.Stderr })
            {
                Assert.DoesNotContain('\u001b', output);
                Assert.DoesNotContain('\u0007', output);
                Assert.DoesNotContain('\u009b', output);
                Assert.DoesNotContain('\u202e', output);
            }
        }

        Assert.Contains("\\x1b]0;pwn\\x07", text.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("## ngxdoctor: **CRITICAL**", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("### 1. critical `upstream-down`", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("| kind | source | evidence |", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("Checked: ", markdown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_error_log_is_listed_as_not_checked_and_the_diagnosis_goes_on()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "zero.log"), "/dev/zero");
        var conf = Write("nginx.conf", $"error_log {_dir}/zero.log;\npid {_dir}/nginx.pid;\nevents {{}}\nhttp {{\n access_log off;\n server {{ listen 127.0.0.1:2; location / {{ proxy_pass http://127.0.0.1:1; }} }}\n}}\n");
        var run = NgxDoctorCli.Run("diagnose", "--config", conf, "--json");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.True(run.Json.GetProperty("findings")[0].GetProperty("cause").GetString() == "upstream-down", run.ToString());
        Assert.Contains(run.Json.GetProperty("skipped").EnumerateArray(),
            s => s.GetProperty("check").GetString() == "error-log" && s.GetProperty("reason").GetString()!.Contains("character device, not a regular file", StringComparison.Ordinal));
    }
}
