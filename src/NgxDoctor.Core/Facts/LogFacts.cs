namespace NgxDoctor.Core.Facts;

/// <summary>A log line quoted as evidence: "file:line" and the line (capped).</summary>
public sealed record LogSample(string Source, string Text);

/// <summary>
/// Every log entry of one kind of failure for one upstream inside the window: how many, first and last
/// seen, and a few of the lines themselves.
/// </summary>
public sealed record LogIncident(
    Logs.FailureKind Kind,
    Diagnosis.Cause? Cause,
    string Phase,
    int? Status,
    string? Upstream,
    int Count,
    DateTime FirstSeen,
    DateTime LastSeen,
    IReadOnlyList<LogSample> Samples);

/// <summary>How one log file was read: lines, what was recognised, and what could not be.</summary>
public sealed record LogScan(
    string Path,
    string Kind,
    long Lines,
    long Entries,
    long Unclassified,
    long Unrecognized,
    long Oversize,
    DateTime? First,
    DateTime? Last,
    string? Problem)
{
    public IReadOnlyList<LogSample> UnclassifiedSamples { get; init; } = [];
}

/// <summary>Log evidence inside the window [Now - Since, Now].</summary>
public sealed record LogFacts(DateTime Now, TimeSpan Since, IReadOnlyList<LogScan> Files, IReadOnlyList<LogIncident> Incidents)
{
    /// <summary>Errors that stopped this long before <see cref="Now"/> are an outage that has ended, when the upstream works now.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(2);

    /// <summary>Access-log statistics; null when no access log was read.</summary>
    public AccessFacts? Access { get; init; }

    /// <summary>When the last change ngxdoctor made to this instance was applied and verified (`fix --apply`, from its journal); null when none stands.</summary>
    public DateTime? ChangedAt { get; init; }

    /// <summary>What that change was ("fix 20261207-052233: raise proxy_read_timeout ..."), for the evidence.</summary>
    public string? Change { get; init; }

    /// <summary>Failures that all ended before <see cref="ChangedAt"/>: history, whose cause the change removed.</summary>
    public bool BeforeChange(IEnumerable<LogIncident> incidents) => ChangedAt is { } changed && incidents.Max(i => i.LastSeen) < changed;
}
