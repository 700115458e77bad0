namespace NgxDoctor.Core.Facts;

/// <summary>
/// How long an upstream keeps an idle keep-alive connection open: one request answered, then the connection left
/// idle until the backend closes it (<see cref="ClosedAfterMs"/>) or the probe stops waiting (null).
/// </summary>
public sealed record IdleCloseResult(string Target, double? ClosedAfterMs, double WaitedMs, string Detail);
