namespace NgxDoctor.Core.Diagnosis;

public sealed record SkippedCheck(string Check, string Reason);

/// <summary>How one check went: "ran", "skipped" or "crashed", its findings and how long it took.</summary>
public sealed record CheckRun(string Id, string Title, string Outcome, int Findings, double ElapsedMs, string? Reason);

/// <summary>What was diagnosed: the instance and how much of it.</summary>
public sealed record ReportContext(string ConfigFile, int? MasterPid, string? WorkerUser, int Upstreams, string CollectedAt, string Hostname);

/// <summary>The diagnose contract's document: status, findings (likeliest root cause first), skipped.</summary>
public sealed record DiagnosisReport(
    string Status,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<SkippedCheck> Skipped,
    IReadOnlyList<CheckRun> Checks,
    ReportContext Context)
{
    /// <summary>With `--url`: the route the diagnosis was limited to.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Analysis.RouteReport? Route { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int ExitCode => Status switch
    {
        "ok" => 0,
        "warning" => 1,
        "critical" => 2,
        _ => 3,
    };
}
