using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Cli.Tests;

/// <summary>Issue 28: a diagnosis of a bundle says when it was taken, since its "failing now" means then.</summary>
public class ReportRendererTests
{
    private static ReportContext Context(DateTimeOffset at) => new("/etc/nginx/nginx.conf", 812, "www-data", 3, at.ToString("O"), "web1");

    [Fact]
    public void Facts_of_an_earlier_moment_say_when_and_where_they_were_taken()
    {
        var now = new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero);
        Assert.Equal("as of 2026-12-07 10:30:00 UTC on web1, 3 h ago: \"now\" and \"failing now\" mean then",
            ReportRenderer.Taken(Context(now.AddHours(-3.5).ToOffset(TimeSpan.FromHours(1))), now));
        Assert.Contains("12 min ago", ReportRenderer.Taken(Context(now.AddMinutes(-12)), now), StringComparison.Ordinal);
        Assert.Contains("4 days ago", ReportRenderer.Taken(Context(now.AddDays(-4)), now), StringComparison.Ordinal);
    }

    [Fact]
    public void Facts_of_this_run_say_nothing_more() => Assert.Null(ReportRenderer.Taken(Context(DateTimeOffset.Now.AddSeconds(-3)), DateTimeOffset.Now));
}

/// <summary>The HolmesGPT example (dist/holmesgpt) offers only what `ngxdoctor mcp` offers: read-only commands, never fix.</summary>
public class HolmesGptExampleTests
{
    [Fact]
    public void The_toolset_runs_only_read_only_commands()
    {
        var text = string.Join('\n', File.ReadAllLines(Path.Combine(NgxDoctor.TestSupport.RepoRoot.Path, "dist", "holmesgpt", "ngxdoctor.yaml"))
            .Where(l => !l.TrimStart().StartsWith('#') && !l.TrimStart().StartsWith("description:", StringComparison.Ordinal)));
        var commands = System.Text.RegularExpressions.Regex.Matches(text, @"ngxdoctor""?,? ""?(?<cmd>[a-z]+)").Select(m => m.Groups["cmd"].Value).Distinct().ToList();
        Assert.Contains("mcp", commands);
        Assert.All(commands.Where(c => c != "mcp"), c => Assert.Contains(c, NgxDoctor.Cli.Mcp.McpTools.All.Select(t => t.Name)));
        Assert.DoesNotContain("fix", commands);
    }
}

/// <summary>Issue 28: a diagnosis on an 80-column terminal fits it; repeated log lines are one sample and a count (all with -v).</summary>
public class ReportLayoutTests
{
    private static DiagnosisReport Report()
    {
        string Line(int s, int c) => $"2026/12/07 10:00:{s:00} [crit] 812#812: *{c} connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.{c}, server: _, request: \"GET /index.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"example.com\"";
        var finding = new Finding(Cause.UpstreamDown, Severity.Critical, "unix:/run/php/php8.2-fpm.sock",
            "Socket /run/php/php8.2-fpm.sock does not exist (upstream unix:/run/php/php8.2-fpm.sock), and nothing else in /run/php listens for it either",
            [
                new Evidence(EvidenceKind.Config, "/etc/nginx/sites-enabled/default:58", "fastcgi_pass unix:/run/php/php8.2-fpm.sock; (location ~ \\.php$)"),
                new Evidence(EvidenceKind.Log, "/var/log/nginx/error.log:10", Line(1, 3)),
                new Evidence(EvidenceKind.Log, "/var/log/nginx/error.log:11", Line(2, 4)),
                new Evidence(EvidenceKind.Log, "/var/log/nginx/error.log:12", Line(3, 5)),
            ],
            new Remedy("Start the backend that should listen on unix:/run/php/php8.2-fpm.sock (for PHP-FPM: its service, e.g. service php8.2-fpm start), then check it created the socket.", ["ss -lxp | grep -F '/run/php/php8.2-fpm.sock'"]));
        return new DiagnosisReport(Status.Critical, [finding], [], [], new ReportContext("/etc/nginx/nginx.conf", 812, "www-data", 1, DateTimeOffset.Now.ToString("O"), "web1"));
    }

    private static string Render(bool verbose)
    {
        var writer = new StringWriter();
        var console = NgxDoctor.Cli.Rendering.Terminal.Create(writer);
        console.Profile.Width = 80;
        ReportRenderer.Render(console, Report(), verbose);
        return writer.ToString();
    }

    [Fact]
    public void Every_line_fits_80_columns_and_repeated_log_lines_are_one_sample_with_a_count()
    {
        var text = Render(verbose: false);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Single(lines, l => l.Contains("connect() to unix:", StringComparison.Ordinal));
        Assert.Contains("(×3 since 10:00:01; -v: all)", text, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("             ", StringComparison.Ordinal)); // the remedy's hanging indent
    }

    [Fact]
    public void With_verbose_every_log_line_is_shown_whole()
    {
        var text = Render(verbose: true);
        Assert.Equal(3, text.Split('\n').Count(l => l.Contains("connect() to unix:", StringComparison.Ordinal)));
        Assert.Contains("host: \"example.com\"", text, StringComparison.Ordinal);
    }
}
