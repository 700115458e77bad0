using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>The report's status; each value is its Nagios exit code.</summary>
public enum Status
{
    [JsonStringEnumMemberName("ok")]
    Ok = 0,

    [JsonStringEnumMemberName("warning")]
    Warning = 1,

    [JsonStringEnumMemberName("critical")]
    Critical = 2,

    [JsonStringEnumMemberName("unknown")]
    Unknown = 3,
}

public sealed record SkippedCheck(string Check, string Reason);

/// <summary>How one check went: ran, skipped or crashed, its findings and how long it took.</summary>
public sealed record CheckRun(string Id, string Title, CheckStatus Outcome, int Findings, double ElapsedMs, string? Reason)
{
    /// <summary>Causes whose findings (of other checks) say this check's question fails: a JUnit case fails with them.</summary>
    public IReadOnlyList<Cause> AnsweredBy { get; init; } = [];
}

/// <summary>What was diagnosed: the instance and how much of it.</summary>
public sealed record ReportContext(string ConfigFile, int? MasterPid, string? WorkerUser, int Upstreams, string CollectedAt, string Hostname);

/// <summary>The diagnose contract's document: status, findings (likeliest root cause first), skipped.</summary>
public sealed record DiagnosisReport(
    Status Status,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<SkippedCheck> Skipped,
    IReadOnlyList<CheckRun> Checks,
    ReportContext Context)
{
    /// <summary>The version of this document's format: raised when a field changes meaning (fields are only ever added).</summary>
    public const int CurrentFormat = 2;

    public int FormatVersion { get; init; } = CurrentFormat;

    /// <summary>The verdict in one line, the same for every renderer.</summary>
    public Verdict Verdict => Verdict.Of(this);

    /// <summary>The window's failing requests nginx logged, how many the findings explain and how many none does; null when no log was read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RequestPath.FailureTally? Failures { get; init; }

    /// <summary>Incidents `watch` recorded for the upstreams this diagnosis concerns, within its window, newest first; null: none looked for.</summary>
    public IReadOnlyList<Watch.RecordedIncident>? RecordedIncidents { get; init; }

    /// <summary>With `--url`: the route the diagnosis was limited to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Analysis.RouteReport? Route { get; init; }

    /// <summary>When the host's instances were diagnosed: each one, worst first (every finding names its own in <see cref="Finding.Instance"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<InstanceSummary>? Instances { get; init; }

    /// <summary>Each instance's own report, for one section per instance.</summary>
    [JsonIgnore]
    public IReadOnlyList<InstanceSection>? Sections { get; init; }

    [JsonIgnore]
    public int ExitCode => (int)Status;
}
