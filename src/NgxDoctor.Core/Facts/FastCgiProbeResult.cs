namespace NgxDoctor.Core.Facts;

/// <summary>What PHP-FPM's status page says of a pool (pm.status_path, `?json`).</summary>
public sealed record FpmStatus(string Pool, int ListenQueue, int ListenQueueLength, int IdleProcesses, int ActiveProcesses, int TotalProcesses, int MaxChildrenReached, int SlowRequests);

/// <summary>A FastCGI request sent to an upstream (the pool's status page, its ping, a minimal request, or a logged request replayed) and what came back.</summary>
public sealed record FastCgiProbeResult(string Target, string Request, string Outcome, int? Status, double ElapsedMs, string Detail, FpmStatus? PoolStatus)
{
    public const string Ok = "ok";
    public const string NoResponse = "no-response";
    public const string NotFastCgi = "not-fastcgi";
    public const string Failed = "failed";

    /// <summary>Not sent: <see cref="Detail"/> says why (a logged POST, a path that reaches no location of this upstream...).</summary>
    public const string NotSent = "not-sent";

    /// <summary>The response header's size (the FastCGI stdout up to its blank line); 0 when not seen.</summary>
    public int HeaderBytes { get; init; }

    /// <summary>For a replayed request: the location nginx routed it to.</summary>
    public Config.SourcePos? Location { get; init; }
}
