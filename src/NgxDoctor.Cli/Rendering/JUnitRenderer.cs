using System.Globalization;
using System.Xml.Linq;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// JUnit XML for pipelines: a test suite per instance, named by host and instance ("web1 /etc/nginx/nginx.conf", so
/// the files of many hosts merged by a CI server stay apart), a test case per check; a check's critical or warning findings
/// are its failure (title, evidence, remedy), a skipped check is skipped with its reason, info findings are output.
/// </summary>
public static class JUnitRenderer
{
    public static string Render(DiagnosisReport r)
    {
        var sections = r.Sections is { Count: > 0 } s ? s.Select(x => (Name: $"{x.Report.Context.Hostname} {x.Instance.Id}", x.Report)).ToList()
            : [(Name: $"{r.Context.Hostname} {r.Context.ConfigFile}", Report: r)];
        var suites = sections.Select(x => Suite(x.Name, x.Report)).ToList();
        var root = new XElement("testsuites",
            new XAttribute("name", "ngxdoctor diagnose"),
            new XAttribute("tests", suites.Sum(e => (int)e.Attribute("tests")!)),
            new XAttribute("failures", suites.Sum(e => (int)e.Attribute("failures")!)),
            new XAttribute("skipped", suites.Sum(e => (int)e.Attribute("skipped")!)),
            suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root + "\n";
    }

    private static XElement Suite(string name, DiagnosisReport r)
    {
        var cases = r.Checks.Select(c => Case(c, r.Findings.Where(f => f.Check == c.Id || (c.AnsweredBy.Contains(f.Cause) && f.Severity != Severity.Info)).ToList())).ToList();
        return new XElement("testsuite",
            new XAttribute("name", Clean(name)),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("skipped", cases.Count(c => c.Element("skipped") is not null)),
            new XAttribute("time", Seconds(r.Checks.Sum(c => c.ElapsedMs))),
            new XAttribute("hostname", Clean(r.Context.Hostname)),
            cases);
    }

    private static XElement Case(CheckRun run, IReadOnlyList<Finding> findings)
    {
        var element = new XElement("testcase", new XAttribute("classname", "ngxdoctor." + run.Id), new XAttribute("name", Clean(run.Title)), new XAttribute("time", Seconds(run.ElapsedMs)));
        var failing = findings.Where(f => f.Severity != Severity.Info).ToList();
        if (failing.Count > 0)
        {
            element.Add(new XElement("failure",
                new XAttribute("type", failing[0].Cause.Code()),
                new XAttribute("message", Clean($"{failing[0].Severity.Code()} {failing[0].Cause.Code()}: {failing[0].Title}")),
                string.Join("\n\n", failing.Select(Describe))));
        }
        else if (run.Outcome != CheckStatus.Ran)
        {
            element.Add(new XElement("skipped", new XAttribute("message", Clean($"{run.Outcome.Code()}: {run.Reason}"))));
        }

        if (findings.Where(f => f.Severity == Severity.Info).Select(Describe).ToList() is { Count: > 0 } info)
        {
            element.Add(new XElement("system-out", string.Join("\n\n", info)));
        }

        return element;
    }

    /// <summary>A finding in the text renderer's shape, each piece made safe on its own (the newlines between them are ours).</summary>
    private static string Describe(Finding f) =>
        Clean($"{f.Severity.Code()} {f.Cause.Code()}{(f.Upstream is { } u ? $" ({u})" : "")}: {f.Title}") + "\n" +
        string.Concat(f.Evidence.Select(e => Clean($"  {e.Kind.Code()}  {e.Source}  {e.Text}") + "\n")) + Clean($"  remedy  {f.Remedy.Summary}");

    private static string Seconds(double ms) => (ms / 1000).ToString("0.000", CultureInfo.InvariantCulture);

    // Control characters become visible escapes: XML 1.0 has no place for most of them, even as character references.
    private static string Clean(string text) => SafeText.Escape(text).Replace('\uFFFE', '?').Replace('\uFFFF', '?');
}
