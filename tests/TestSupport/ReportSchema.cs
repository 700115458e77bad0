using System.Text.Json;
using Json.Schema;

namespace NgxDoctor.TestSupport;

/// <summary>The published schema of `diagnose --json` (docs/diagnose.schema.json); every diagnose run a test makes is checked against it.</summary>
public static class ReportSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "diagnose.schema.json"))));

    /// <summary>Null when the document validates, else the errors, one per line.</summary>
    public static string? Problems(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        return string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
    }
}
