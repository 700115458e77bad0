using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Tests;

/// <summary>The first line says plainly whether anything fails now, or only did in the log window; it is decided on types, not on the words of a sentence.</summary>
public class VerdictTests
{
    private static DiagnosisReport Report(params Finding[] findings) =>
        new(findings.Length == 0 ? Status.Ok : Status.Warning, findings, [], [new CheckRun("upstream-down", "t", CheckStatus.Ran, findings.Length, 0.1, null)],
            new ReportContext("/etc/nginx/nginx.conf", 1, "www-data", 1, "now", "web1"));

    private static Finding Past() => new(Cause.UpstreamDown, Severity.Warning, "127.0.0.1:3000", "refused 3 connections; accepts now",
        [new Evidence(EvidenceKind.Log, "/var/log/nginx/error.log", "3 entries")], new Remedy("look", [])) { Confidence = Confidence.Medium, Basis = Basis.LogPast };

    [Fact]
    public void Problems_that_are_over_are_said_to_be_over()
    {
        Assert.Equal("no failures now; 1 problem(s) in the log window are over", Report(Past()).Verdict.Text);
        Assert.Equal("no problems found", Report().Verdict.Text);
        var now = Past() with { Severity = Severity.Critical, Basis = Basis.Probe };
        Assert.Equal("2 problem(s) found, 1 failing now", Report(Past(), now).Verdict.Text);
        Assert.Equal("1 of 1 checks ran over 1 upstream address(es)", Report().Verdict.Coverage);
    }

    [Fact]
    public void The_verdict_is_in_the_json_document()
    {
        var json = NgxJson.Serialize(Report(Past()));
        Assert.Contains("\"formatVersion\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"over\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"text\": \"no failures now; 1 problem(s) in the log window are over\"", json, StringComparison.Ordinal);
        Assert.Contains("\"basis\": \"log-past\"", json, StringComparison.Ordinal);
        Assert.Contains("\"confidenceWhy\": \"logged in the window, not happening now\"", json, StringComparison.Ordinal);
    }
}
