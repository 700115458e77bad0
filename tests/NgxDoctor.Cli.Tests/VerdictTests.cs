using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Cli.Tests;

/// <summary>The first line says plainly whether anything fails now, or only did in the log window.</summary>
public class VerdictTests
{
    private static DiagnosisReport Report(params Finding[] findings) =>
        new(findings.Length == 0 ? "ok" : "warning", findings, [], [new CheckRun("upstream-down", "t", "ran", findings.Length, 0.1, null)],
            new ReportContext("/etc/nginx/nginx.conf", 1, "www-data", 1, "now", "web1"));

    private static Finding Past() => new(Cause.UpstreamDown, Severity.Warning, "127.0.0.1:3000", "refused 3 connections; accepts now",
        [new Evidence("log", "/var/log/nginx/error.log", "3 entries")], new Remedy("look", [])) { Confidence = "medium", ConfidenceWhy = FindingRelations.Past };

    [Fact]
    public void Problems_that_are_over_are_said_to_be_over()
    {
        Assert.Equal("no failures now; 1 problem(s) in the log window are over", ReportRenderer.Verdict(Report(Past())));
        Assert.Equal("no problems found", ReportRenderer.Verdict(Report()));
        var now = Past() with { Severity = Severity.Critical, ConfidenceWhy = "a probe reproduced it now" };
        Assert.Equal("2 problem(s) found, 1 failing now", ReportRenderer.Verdict(Report(Past(), now)));
        Assert.Equal("1 of 1 checks ran over 1 upstream address(es)", ReportRenderer.Coverage(Report()));
    }
}
