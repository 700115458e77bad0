using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Diagnosis;

public enum Severity
{
    [JsonStringEnumMemberName("info")]
    Info,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>Where a piece of evidence comes from.</summary>
public enum EvidenceKind
{
    [JsonStringEnumMemberName("config")]
    Config,

    [JsonStringEnumMemberName("probe")]
    Probe,

    [JsonStringEnumMemberName("log")]
    Log,

    [JsonStringEnumMemberName("process")]
    Process,

    [JsonStringEnumMemberName("file")]
    File,

    /// <summary>A command's output: nginx -t.</summary>
    [JsonStringEnumMemberName("command")]
    Command,

    [JsonStringEnumMemberName("firewall")]
    Firewall,

    [JsonStringEnumMemberName("dns")]
    Dns,

    [JsonStringEnumMemberName("connection")]
    Connection,

    [JsonStringEnumMemberName("system")]
    System,
}

/// <summary>One piece of evidence: where it comes from, what it says.</summary>
public sealed record Evidence(EvidenceKind Kind, string Source, string Text)
{
    /// <summary>It records that something was looked for and not found, or could not be read (no rule names the port): it shows nothing by itself.</summary>
    [JsonIgnore]
    public bool Absence { get; init; }
}

public sealed record Remedy(string Summary, IReadOnlyList<string> Commands);

/// <summary>A diagnosed problem: its cause code, how bad, which upstream, why we think so and what to do.</summary>
public sealed record Finding(
    Cause Cause,
    Severity Severity,
    string? Upstream,
    string Title,
    IReadOnlyList<Evidence> Evidence,
    Remedy Remedy)
{
    /// <summary>The check that produced it.</summary>
    public string Check { get; init; } = "";

    /// <summary>The id of the instance it is about (one of the report's instances), when the host's instances were diagnosed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instance { get; init; }

    /// <summary>How directly the evidence shows it (<see cref="ConfidenceWhy"/> says why).</summary>
    public Confidence Confidence { get; init; } = Confidence.Medium;

    public string ConfidenceWhy => Basis.Why();

    /// <summary>What the confidence rests on.</summary>
    public Basis Basis { get; init; } = Basis.HostState;

    /// <summary>The nginx failure messages behind it ("host not found in upstream"), as classified; empty when none.</summary>
    [JsonIgnore]
    public IReadOnlyList<Logs.FailureKind> Failures { get; init; } = [];

    /// <summary>For a finding that stands for one root: every upstream it takes down (the first is <see cref="Upstream"/>); empty otherwise.</summary>
    public IReadOnlyList<string> Affects { get; init; } = [];

    /// <summary>Addresses nginx uses for its upstream that neither the configuration nor DNS names now (a stale address): its failures there are its own.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> SeenAt { get; init; } = [];

    /// <summary>The failing requests of the window it explains: how many, the first and the last, whether they go on now; null when it explains none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RequestPath.ObservedFailures? Observed { get; init; }

    /// <summary>The findings this one accounts for ("cause upstream"); they follow it in the report.</summary>
    public IReadOnlyList<string> Explains { get; init; } = [];

    /// <summary>The findings that account for this one; it follows the last of them.</summary>
    public IReadOnlyList<string> ExplainedBy { get; init; } = [];
}
