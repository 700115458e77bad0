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
}
