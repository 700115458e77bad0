using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_lists_commands_and_examples()
    {
        var run = NgxDoctorCli.Run("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("diagnose", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", run.Stdout, StringComparison.Ordinal);
        var diag = NgxDoctorCli.Run("diagnose", "--help");
        Assert.Equal(0, diag.ExitCode);
        Assert.Contains("Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown", diag.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Issue 28: --help fits 80 columns; the root lists each command in a line or two (it was 114 lines).</summary>
    [Fact]
    public void Help_fits_80_columns_and_the_root_lists_each_command_briefly()
    {
        var root = NgxDoctorCli.Run("--help").Stdout.Split('\n');
        Assert.True(root.Length <= 45, string.Join('\n', root));
        foreach (var command in NgxDoctor.Cli.Commands.CommandCatalog.Names)
        {
            Assert.Contains(root, l => l.StartsWith($"  {command} ", StringComparison.Ordinal));
            var own = NgxDoctorCli.Run(command, "--help");
            Assert.True(own.ExitCode == 0, own.ToString());
            Assert.All(own.Stdout.Split('\n').Append(string.Join('\n', root)).SelectMany(t => t.Split('\n')), l => Assert.True(l.Length <= 80, $"{command}: {l.Length}: {l}"));
        }
    }

    [Theory]
    [InlineData("diagnose --bogus", "--bogus")]
    [InlineData("nosuchcommand", "nosuchcommand")]
    [InlineData("diagnose --since soon --config /etc/hostname", "--since: \"soon\" is not a duration")]
    [InlineData("diagnose --timeout -1 --config /etc/hostname", "--timeout: -1 is not a number of seconds above 0")]
    [InlineData("diagnose --url ftp://x/ --config /etc/hostname", "--url: not an http(s) URL")]
    [InlineData("route notaurl --config /etc/hostname", "not an http(s) URL")]
    [InlineData("diagnose --facts /nonexistent.json", "/nonexistent.json: no such file")]
    [InlineData("diagnose --config /nonexistent.conf", "/nonexistent.conf: cannot open")]
    [InlineData("diagnose --timeout abc", "--timeout: \"abc\" is not a number")]
    [InlineData("", "which command?")]
    [InlineData("explain", "explain needs its CAUSE")]
    [InlineData("fix --only gremlins", "unknown cause \"gremlins\"; the causes are: config-error")]
    [InlineData("diagnose --format markdown --json --config /etc/hostname", "--json and --format markdown ask for two outputs")]
    [InlineData("logs --format markdown --file /etc/hostname", "--format: \"markdown\" is not one of text, json")]
    [InlineData("upstreams --format yaml --config /etc/hostname", "--format: \"yaml\" is not one of text, json")]
    [InlineData("diagnose --health-path health --config /etc/hostname", "--health-path must start with /")]
    [InlineData("logs --since forever", "--since: \"forever\" is not a duration")]
    public void Bad_arguments_give_one_line_and_exit_3(string args, string expected)
    {
        var run = NgxDoctorCli.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(run.ExitCode == 3, run.ToString());
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        // No .NET wording reaches a user: type names, exception texts, a position of a file that could not be opened.
        Assert.DoesNotMatch(@"System\.|Could not find|Required command was not provided|Exception|:0:0", line);
        if (!args.Contains("--json", StringComparison.Ordinal))
        {
            Assert.Equal("", run.Stdout);
            return;
        }

        // With --json, stdout holds exactly one document, also when ngxdoctor could not run.
        Assert.Equal("unknown", run.Json.GetProperty("status").GetString());
        Assert.Contains(expected, run.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, run.Json.GetProperty("formatVersion").GetInt32());
    }

    [Theory]
    [InlineData("diagnose --config /nonexistent.conf --json")]
    [InlineData("upstreams --config /nonexistent.conf --json")]
    [InlineData("route http://a/ --config /nonexistent.conf --json")]
    [InlineData("fix --only gremlins --json")]
    [InlineData("explain gremlins --json")]
    [InlineData("logs --since never --json")]
    [InlineData("diagnose --config /nonexistent.conf --format json")]
    public void Every_command_prints_one_json_document_when_it_cannot_run(string args)
    {
        var run = NgxDoctorCli.Run(args.Split(' '));
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("unknown", run.Json.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(run.Json.GetProperty("reason").GetString()));
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Help_and_version_have_their_short_forms()
    {
        var help = NgxDoctorCli.Run("help", "logs");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--log-format", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", NgxDoctorCli.Run("help").Stdout, StringComparison.Ordinal);
        var version = NgxDoctorCli.Run("-V");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal(NgxDoctorCli.Run("--version").Stdout, version.Stdout);
        Assert.Matches(@"^ngxdoctor \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown), built \d{4}-\d{2}-\d{2}; diagnose JSON format \d+\)\n$", version.Stdout);
    }

    [Fact]
    public void The_same_option_is_described_the_same_everywhere_or_its_help_says_why_not()
    {
        // Help wraps each description to its column: compared with white space folded.
        static string Folded(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        foreach (var command in new[] { "diagnose", "upstreams", "route", "collect", "fix", "logs" })
        {
            Assert.Contains("--config <config> main nginx.conf of the instance (default: the running nginx master's, else /etc/nginx/nginx.conf)", Folded(NgxDoctorCli.Run(command, "--help").Stdout), StringComparison.Ordinal);
        }
        Assert.Contains("longer than diagnose's 15m", NgxDoctorCli.Run("logs", "--help").Stdout, StringComparison.Ordinal);
        Assert.Contains("longer than diagnose's 2", NgxDoctorCli.Run("fix", "--help").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_is_exactly_one_document_and_facts_can_be_saved_and_diagnosed_elsewhere()
    {
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-facts-").FullName;
        try
        {
            var conf = Path.Combine(dir, "nginx.conf");
            File.WriteAllText(conf, "events {}\nhttp { server { listen 127.0.0.1:2; location / { proxy_pass http://127.0.0.1:1; } } }\n");
            var facts = Path.Combine(dir, "facts.json");
            var live = NgxDoctorCli.Run("diagnose", "--config", conf, "--json", "--save-facts", facts);
            Assert.Equal(2, live.ExitCode);
            using var doc = System.Text.Json.JsonDocument.Parse(live.Stdout);
            Assert.Equal("upstream-down", doc.RootElement.GetProperty("findings")[0].GetProperty("cause").GetString());

            // Checks are found by type: the native (trimmed) binary must still find every one of them.
            Assert.Equal(
                NgxDoctor.Core.Diagnosis.CheckRegistry.All.Select(c => c.Id),
                doc.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));

            var offline = NgxDoctorCli.Run("diagnose", "--facts", facts, "--json");
            Assert.Equal(2, offline.ExitCode);
            Assert.Equal(
                doc.RootElement.GetProperty("findings").GetRawText(),
                offline.Json.GetProperty("findings").GetRawText());

            File.WriteAllText(facts, "{ not json");
            var bad = NgxDoctorCli.Run("diagnose", "--facts", facts);
            Assert.Equal(3, bad.ExitCode);
            Assert.Contains("not a facts file", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Explain_prints_the_page_of_every_cause_and_refuses_unknown_ones()
    {
        foreach (var cause in NgxDoctor.Core.Vocabulary.Codes<NgxDoctor.Core.Diagnosis.Cause>.AllCodes)
        {
            var run = NgxDoctorCli.Run("explain", cause);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith($"# `{cause}`:", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("## How to fix it", run.Stdout, StringComparison.Ordinal);
        }

        var page = NgxDoctorCli.Run("explain", "upstream-down", "--json");
        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Equal("upstream-down", page.Json.GetProperty("cause").GetString());
        Assert.StartsWith("# `upstream-down`:", page.Json.GetProperty("page").GetString(), StringComparison.Ordinal);

        var bad = NgxDoctorCli.Run("explain", "nonsense");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("unknown cause \"nonsense\"; the causes are: config-error", bad.Stderr, StringComparison.Ordinal);
    }
}
