namespace NgxDoctor.Core.Facts;

public enum ProbeOutcome
{
    Connected,
    Refused,
    TimedOut,
    NotFound,
    PermissionDenied,
    Busy,
    NotASocket,
    Unreachable,
    DnsFailure,
    Error,
    Skipped,
}

/// <summary>One connection attempt to an upstream address, with its measured time.</summary>
public sealed record ProbeResult(string Target, string Method, ProbeOutcome Outcome, double ElapsedMs, string Detail)
{
    /// <summary>For evidence: "connection refused after 0.2 ms".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Describe => Outcome == ProbeOutcome.Skipped ? Detail : $"{Detail} after {ElapsedMs:0.0} ms";
}
