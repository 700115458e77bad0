namespace NgxDoctor.Core.Watch;

/// <summary>
/// One request as an access log wrote it, the moment it was read: the upstream that answered last ("" when nginx
/// answered itself or the format does not log $upstream_addr), the status the client got, $upstream_response_time.
/// </summary>
public readonly record struct RequestEvent(DateTime Time, string Upstream, int Status, double? UpstreamSeconds)
{
    /// <summary>The client and request line, when the format logs them (to find the upstream in the error log).</summary>
    public (string? Client, string? Request) Key { get; init; }

    /// <summary>Whether the format logs $upstream_addr: without it, "" says nothing of who answered.</summary>
    public bool UpstreamLogged { get; init; } = true;

    /// <summary>A 5xx the client got (499, the client giving up, is not the upstream's failure).</summary>
    public bool Failed => Status is >= 500 and <= 599;
}

/// <summary>What follows a watch: every request and failure read, every incident change (with its verdict).</summary>
public interface IWatchObserver
{
    void Request(in RequestEvent request);

    void Failure(FailureEvent failure);

    void Incident(WatchEvent e);
}

/// <summary>What a watch reports: an incident starting (with the diagnosis made at that moment) or ending.</summary>
public sealed record WatchEvent(IncidentChange Change, Diagnosis.DiagnosisReport? Verdict, double? DiagnosedInMs)
{
    /// <summary>The incident's bundle (facts and configuration when its verdict was made), for `diagnose --from`.</summary>
    public string? Bundle { get; init; }
}
