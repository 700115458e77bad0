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

    [Theory]
    [InlineData("diagnose --bogus", "--bogus")]
    [InlineData("nosuchcommand", "nosuchcommand")]
    [InlineData("diagnose --since soon --config /etc/hostname", "--since: \"soon\" is not a duration")]
    [InlineData("diagnose --timeout -1 --config /etc/hostname", "--timeout: -1 is not a number of seconds above 0")]
    [InlineData("diagnose --url ftp://x/ --config /etc/hostname", "--url: not an http(s) URL")]
    [InlineData("route notaurl --config /etc/hostname", "not an http(s) URL")]
    [InlineData("diagnose --facts /nonexistent.json", "Could not find file")]
    [InlineData("diagnose --health-path health --config /etc/hostname", "--health-path must start with /")]
    [InlineData("logs --since forever", "--since: \"forever\" is not a duration")]
    public void Bad_arguments_give_one_line_and_exit_3(string args, string expected)
    {
        var run = NgxDoctorCli.Run(args.Split(' '));
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, line, StringComparison.Ordinal);
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

        var bad = NgxDoctorCli.Run("explain", "nonsense");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("unknown cause \"nonsense\"; the causes are: config-error", bad.Stderr, StringComparison.Ordinal);
    }
}
