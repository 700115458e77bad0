using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Diagnosis;

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("info")]
    Info,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>One piece of evidence: kind "config" | "probe" | "log" | "process" | "file" | "command", where it comes from, what it says.</summary>
public sealed record Evidence(string Kind, string Source, string Text);

public sealed record Remedy(string Summary, IReadOnlyList<string> Commands);

/// <summary>A diagnosed problem: its cause code, how bad, which upstream, why we think so and what to do.</summary>
public sealed record Finding(
    string Cause,
    Severity Severity,
    string? Upstream,
    string Title,
    IReadOnlyList<Evidence> Evidence,
    Remedy Remedy)
{
    /// <summary>The check that produced it.</summary>
    public string Check { get; init; } = "";

    /// <summary>"high", "medium" or "low": how directly the evidence shows it (<see cref="ConfidenceWhy"/> says why).</summary>
    public string Confidence { get; init; } = "medium";

    public string ConfidenceWhy { get; init; } = "";

    /// <summary>The findings this one accounts for ("cause upstream"); they follow it in the report.</summary>
    public IReadOnlyList<string> Explains { get; init; } = [];

    /// <summary>The findings that account for this one; it follows the last of them.</summary>
    public IReadOnlyList<string> ExplainedBy { get; init; } = [];
}
