using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;

namespace NgxDoctor.Host.Fixes;

/// <summary>A file's planned change as a unified diff, its lines redacted as the configuration is.</summary>
public sealed record FixDiff(string Path, string Diff)
{
    public static FixDiff Of(FileChange c) => new(c.RealPath, string.Join('\n', c.Diff.TrimEnd('\n').Split('\n').Select(Redacted)) + "\n");

    /// <summary>A diff's context may quote a secret the configuration holds next to the edited line.</summary>
    public static string Redacted(string line) =>
        line.Length > 0 && line[0] is ' ' or '+' or '-' && !line.StartsWith("+++", StringComparison.Ordinal) && !line.StartsWith("---", StringComparison.Ordinal)
            ? line[0] + Core.Text.Redactor.Config(line[1..]) : line;
}

/// <summary>`fix --json`: the diagnosis status, the plan with its diffs, what recovery finished, and the apply's result when there was one.</summary>
public sealed record FixReport(Status Status, FixPlan Plan, IReadOnlyList<FixDiff> Diffs, IReadOnlyList<string> Recovered, ApplyResult? Result)
{
    public int FormatVersion { get; init; } = DiagnosisReport.CurrentFormat;
}

/// <summary>`fix --history --json`: the applies this host's state directory remembers, newest first.</summary>
public sealed record FixHistoryReport(string StateDir, IReadOnlyList<FixRecord> Applies)
{
    public int FormatVersion { get; init; } = DiagnosisReport.CurrentFormat;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FixReport))]
[JsonSerializable(typeof(FixHistoryReport))]
public sealed partial class FixJson : JsonSerializerContext
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);
}
