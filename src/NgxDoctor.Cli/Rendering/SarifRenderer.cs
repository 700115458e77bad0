using System.Text.Json.Nodes;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// SARIF 2.1.0 for code-scanning tools (as gixy's): the configuration's own findings (found in the configuration alone,
/// or by nginx -t), one result per file:line of their config evidence, the cause code as rule id. Findings about the
/// running processes (a probe, a log) are no property of a source file and are left out (text, JSON, JUnit carry them).
/// </summary>
public static class SarifRenderer
{
    public static string Render(DiagnosisReport r, string version)
    {
        var located = r.Findings.Where(f => f.Basis is Basis.ConfigOnly or Basis.ConfigTest)
            .SelectMany(f => Places(f) is { Count: > 0 } places ? places.Select(p => (Finding: f, Place: p)) : [(f, (r.Context.ConfigFile, 0))])
            .ToList();
        var rules = located.Select(x => x.Finding.Cause).Distinct().Select(c => (JsonNode?)new JsonObject
        {
            ["id"] = c.Code(),
            ["shortDescription"] = new JsonObject { ["text"] = c.Code() },
            ["helpUri"] = $"https://github.com/ngxdoctor/ngxdoctor/blob/main/docs/causes/{c.Code()}.md",
        }).ToArray();
        var results = located.Select(x => (JsonNode?)new JsonObject
        {
            ["ruleId"] = x.Finding.Cause.Code(),
            ["level"] = x.Finding.Severity switch { Severity.Critical => "error", Severity.Warning => "warning", _ => "note" },
            ["message"] = new JsonObject { ["text"] = $"{x.Finding.Title}. {x.Finding.Remedy.Summary}" },
            ["locations"] = new JsonArray(new JsonObject { ["physicalLocation"] = Physical(x.Place.File, x.Place.Line) }),
        }).ToArray();
        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "ngxdoctor",
                        ["version"] = version,
                        ["informationUri"] = "https://github.com/ngxdoctor/ngxdoctor",
                        ["rules"] = new JsonArray(rules),
                    },
                },
                ["results"] = new JsonArray(results),
            }),
        };
        return sarif.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The file and, when known, the line: SARIF has no null region, so a finding of the whole file has none.</summary>
    private static JsonObject Physical(string file, int line)
    {
        var physical = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = new Uri(file).AbsoluteUri } };
        if (line > 0)
        {
            physical["region"] = new JsonObject { ["startLine"] = line, ["endLine"] = line };
        }

        return physical;
    }

    /// <summary>Where the configuration says it: config evidence, and the file:line nginx -t named in its message.</summary>
    private static List<(string File, int Line)> Places(Finding f) =>
        f.Evidence.Where(e => e.Kind is EvidenceKind.Config or EvidenceKind.Command && !e.Absence).Select(e => Place(e.Source)).OfType<(string, int)>().Distinct().ToList();

    /// <summary>"/etc/nginx/conf.d/app.conf:12" as an absolute file and a line; anything else (a bundle's name) is none.</summary>
    private static (string File, int Line)? Place(string source)
    {
        var colon = source.LastIndexOf(':');
        return colon > 1 && source.StartsWith('/') && int.TryParse(source.AsSpan(colon + 1), out var line) && line > 0 ? (source[..colon], line) : null;
    }
}
