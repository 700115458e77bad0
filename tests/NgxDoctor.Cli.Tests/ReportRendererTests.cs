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
