using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.RequestPath;

/// <summary>
/// Which observed failures a cause accounts for: the one place that says, for instance, that a refused connect is
/// explained by a dead backend, a wrong address, a firewall's reject or a stale DNS answer, and a 504 by a slow
/// backend or a saturated pool. A finding explains the failures of these kinds at the targets it names.
/// </summary>
public static class Coverage
{
    private static readonly FailureKind[] Unreachable = [FailureKind.ConnectRefused, FailureKind.SocketMissing, FailureKind.Unreachable, FailureKind.ConnectTimeout, FailureKind.NoLiveUpstreams];

    /// <summary>The failures of requests nginx logs (its error log; the access log's backend 5xx, its clients that gave up, its own 5xx).</summary>
    public static bool IsRequestFailure(FailureKind kind) => kind switch
    {
        FailureKind.ServerDisabled or FailureKind.FastCgiStderr => false,
        FailureKind.FpmMaxChildren or FailureKind.FpmBusy or FailureKind.FpmTerminated or FailureKind.FpmKilled or FailureKind.FpmSignal
            or FailureKind.FpmSlow or FailureKind.FpmBindFailed or FailureKind.GunicornTimeout or FailureKind.GunicornSignal => false,
        _ => true,
    };

    public static bool Explains(Cause cause, LogIncident failure) => Kinds(cause).Contains(failure.Kind)
        || (cause == Cause.RateLimited && failure is { Kind: FailureKind.Nginx5xx, Status: 503 or 429 });

    public static IReadOnlyList<FailureKind> Kinds(Cause cause) => cause switch
    {
        Cause.DnsFailure => [FailureKind.Dns, FailureKind.NoLiveUpstreams],
        Cause.DnsStale or Cause.UpstreamDown or Cause.WrongAddress or Cause.FirewallBlocked => Unreachable,
        Cause.SocketPermission => [FailureKind.SocketDenied, FailureKind.NoLiveUpstreams],
        Cause.PoolExhausted => [FailureKind.BacklogFull, FailureKind.ConnectTimeout, FailureKind.ReadTimeout, FailureKind.ClientClosed, FailureKind.NoLiveUpstreams],
        Cause.ResourceExhaustion => [FailureKind.FdExhausted, FailureKind.PortsExhausted, FailureKind.PrematureClose, FailureKind.ConnectTimeout],
        Cause.UpstreamCrash => [FailureKind.PrematureClose, FailureKind.BodyFailure, FailureKind.NoLiveUpstreams],
        Cause.UpstreamTimeout => [FailureKind.ReadTimeout, FailureKind.ConnectTimeout, FailureKind.BodyFailure, FailureKind.ClientClosed, FailureKind.NoLiveUpstreams],
        Cause.HeaderTooBig => [FailureKind.HeaderTooBig],
        Cause.BadResponse => [FailureKind.InvalidResponse, FailureKind.Http09, FailureKind.TlsError, FailureKind.BodyFailure, FailureKind.PrematureClose, FailureKind.NoLiveUpstreams],
        Cause.BackendError => [FailureKind.Backend5xx],
        Cause.NoLiveUpstreams => [FailureKind.NoLiveUpstreams],
        Cause.RateLimited => [FailureKind.LimitReq, FailureKind.LimitConn],
        _ => [],
    };
}
