using System.Text.Json;
using System.Text.RegularExpressions;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Tests;

/// <summary>
/// What a new cause, check or fixer must also appear in, derived from the code: the schema's enums, a docs page per
/// cause, the fixer table of docs/fix.md (from the fixers themselves), the check table of docs/checks.md.
/// </summary>
public partial class VocabularyAgreementTests
{
    private static readonly string Docs = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs"));

    private static JsonElement Schema => JsonDocument.Parse(File.ReadAllText(Path.Combine(Docs, "diagnose.schema.json"))).RootElement;

    [Fact]
    public void Every_cause_has_a_docs_page_and_every_page_a_cause()
    {
        var pages = Directory.GetFiles(Path.Combine(Docs, "causes"), "*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Codes<Cause>.AllCodes.Order(StringComparer.Ordinal), pages);
    }

    [Fact]
    public void The_schema_enums_are_the_codes_of_the_vocabulary()
    {
        Assert.Equal(Codes<Cause>.AllCodes, Enum(Schema.GetProperty("$defs").GetProperty("cause")));
        Assert.Equal(Codes<Status>.AllCodes, Enum(Schema.GetProperty("properties").GetProperty("status")));
        var finding = Schema.GetProperty("$defs").GetProperty("finding").GetProperty("properties");
        Assert.Equal(Codes<Severity>.AllCodes.Order(StringComparer.Ordinal), Enum(finding.GetProperty("severity")).Order(StringComparer.Ordinal));
        Assert.Equal(Codes<Confidence>.AllCodes, Enum(finding.GetProperty("confidence")));
        Assert.Equal(Codes<Basis>.AllCodes, Enum(finding.GetProperty("basis")));
        Assert.Equal(Codes<EvidenceKind>.AllCodes, Enum(finding.GetProperty("evidence").GetProperty("items").GetProperty("properties").GetProperty("kind")));
        var check = Schema.GetProperty("properties").GetProperty("checks").GetProperty("items").GetProperty("properties");
        Assert.Equal(Codes<CheckStatus>.AllCodes, Enum(check.GetProperty("outcome")));
    }

    [Fact]
    public void The_fixer_table_of_docs_fix_md_names_exactly_the_causes_that_have_a_fixer()
    {
        var text = File.ReadAllText(Path.Combine(Docs, "fix.md"));
        var table = text[text.IndexOf("## Fixers", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var documented = table.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => Code().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value)).Order(StringComparer.Ordinal);
        Assert.Equal(FixPlanner.All.Select(f => f.Cause.Code()).Distinct().Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public void The_check_table_of_docs_checks_md_names_every_check_and_its_causes()
    {
        var rows = File.ReadAllLines(Path.Combine(Docs, "checks.md")).Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|')).ToList();
        var ids = rows.SelectMany(r => Code().Matches(r[1]).Select(m => m.Groups[1].Value)).Order(StringComparer.Ordinal);
        Assert.Equal(CheckRegistry.All.Select(c => c.Id).Order(StringComparer.Ordinal), ids);
        Assert.All(rows.SelectMany(r => Code().Matches(r[2]).Select(m => m.Groups[1].Value)), c => Assert.Contains(c, Codes<Cause>.AllCodes));
        // Each row names exactly the causes its check declares.
        Assert.All(rows, r =>
        {
            var check = CheckRegistry.All.Single(c => c.Id == Code().Match(r[1]).Groups[1].Value);
            Assert.Equal(check.Causes.Select(c => c.Code()).Order(StringComparer.Ordinal), Code().Matches(r[2]).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        });
    }

    /// <summary>A finding the engine makes carries a cause its check declares (the whole engine over the fixtures, merged and rooted).</summary>
    [Fact]
    public void Every_finding_of_the_engine_carries_a_cause_its_check_declares()
    {
        var fixtures = typeof(VocabularyAgreementTests).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Checks.ICheckFixture).IsAssignableFrom(t))
            .Select(t => (Checks.ICheckFixture)Activator.CreateInstance(t)!);
        foreach (var facts in fixtures.SelectMany(f => f.MustTrigger().Select(x => x.Facts)))
        {
            Assert.All(DiagnosisEngine.Diagnose(facts).Findings, f => Assert.Contains(f.Cause, CheckRegistry.All.Single(c => c.Id == f.Check).Causes));
        }
    }

    private static List<string> Enum(JsonElement e) => e.GetProperty("enum").EnumerateArray().Select(x => x.GetString()!).ToList();

    [GeneratedRegex("`([a-z0-9-]+)`")]
    private static partial Regex Code();
}
