using System.Globalization;
using System.Text;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// A Nagios/Icinga plugin's output: "STATUS - verdict" on the first line, the findings on the lines after it, and
/// performance data after `|`: findings by severity, upstream addresses and those failing, instances, the run's time.
/// </summary>
public static class NagiosRenderer
{
    public static string Render(DiagnosisReport r, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.Append(r.Status.ToString().ToUpperInvariant()).Append(" - ").Append(Line(r.Verdict.Text));
        if (r.Findings.FirstOrDefault() is { } first)
        {
            text.Append(": ").Append(first.Cause.Code()).Append(' ').Append(Line(first.Title));
        }

        var failing = r.Findings.Where(f => f.Severity == Severity.Critical && f.Upstream is not null).Select(f => (f.Instance, f.Upstream)).Distinct().Count();
        text.Append(" | ")
            .Append(Perf("critical", Count(r, Severity.Critical))).Append(' ')
            .Append(Perf("warning", Count(r, Severity.Warning))).Append(' ')
            .Append(Perf("info", Count(r, Severity.Info))).Append(' ')
            .Append(Perf("upstreams", r.Context.Upstreams)).Append(' ')
            .Append(Perf("upstreams_failing", failing)).Append(' ')
            .Append(Perf("instances", r.Instances?.Count ?? 1)).Append(' ')
            .Append("time=").Append(elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)).Append("s;;;0\n");
        var several = r.Instances is { Count: > 1 };
        foreach (var f in r.Findings)
        {
            text.Append(f.Severity.Code()).Append(' ').Append(f.Cause.Code()).Append(several && f.Instance is { } i ? $" [{Line(i)}]" : "").Append(": ").Append(Line(f.Title)).Append('\n');
        }

        return text.ToString();
    }

    private static int Count(DiagnosisReport r, Severity s) => r.Findings.Count(f => f.Severity == s);

    private static string Perf(string label, int value) => $"{label}={value.ToString(CultureInfo.InvariantCulture)};;;0";

    // `|` starts performance data and a newline ends the plugin's first line: neither may come from a finding.
    private static string Line(string text) => SafeText.Escape(text).Replace('|', '/').Replace('\n', ' ');
}
