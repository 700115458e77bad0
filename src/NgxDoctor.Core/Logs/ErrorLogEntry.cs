namespace NgxDoctor.Core.Logs;

/// <summary>
/// One nginx error-log entry: "YYYY/MM/DD HH:MM:SS [level] PID#TID: *CID message (errno: text) while action,
/// client: ..., server: ..., request: "...", upstream: "...", host: "...", referrer: "...""
/// </summary>
public sealed record ErrorLogEntry(
    DateTime Time,
    string Level,
    int Pid,
    long? ConnectionId,
    string Message,
    int? Errno,
    string? Action,
    string? Client,
    string? Server,
    string? Request,
    string? Upstream,
    string? Host,
    bool Truncated)
{
    /// <summary>Continuation lines (multi-line FastCGI stderr) attached to this entry.</summary>
    public int ContinuationLines { get; init; }
}
