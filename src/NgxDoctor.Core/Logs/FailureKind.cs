using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Logs;

/// <summary>A kind of failure a log line reports (nginx's error log, PHP-FPM's log); the incidents of the facts are counted by it.</summary>
public enum FailureKind
{
    [JsonStringEnumMemberName("connect-refused")]
    ConnectRefused,

    [JsonStringEnumMemberName("socket-missing")]
    SocketMissing,

    [JsonStringEnumMemberName("socket-denied")]
    SocketDenied,

    [JsonStringEnumMemberName("backlog-full")]
    BacklogFull,

    [JsonStringEnumMemberName("connect-timeout")]
    ConnectTimeout,

    [JsonStringEnumMemberName("read-timeout")]
    ReadTimeout,

    [JsonStringEnumMemberName("body-failure")]
    BodyFailure,

    [JsonStringEnumMemberName("unreachable")]
    Unreachable,

    [JsonStringEnumMemberName("ports-exhausted")]
    PortsExhausted,

    [JsonStringEnumMemberName("fd-exhausted")]
    FdExhausted,

    [JsonStringEnumMemberName("dns")]
    Dns,

    [JsonStringEnumMemberName("no-live-upstreams")]
    NoLiveUpstreams,

    [JsonStringEnumMemberName("server-disabled")]
    ServerDisabled,

    [JsonStringEnumMemberName("header-too-big")]
    HeaderTooBig,

    [JsonStringEnumMemberName("premature-close")]
    PrematureClose,

    [JsonStringEnumMemberName("http09")]
    Http09,

    [JsonStringEnumMemberName("invalid-response")]
    InvalidResponse,

    [JsonStringEnumMemberName("tls-error")]
    TlsError,

    [JsonStringEnumMemberName("fastcgi-stderr")]
    FastCgiStderr,

    [JsonStringEnumMemberName("client-closed")]
    ClientClosed,

    /// <summary>A 5xx the backend answered itself (the access log's $upstream_status), not an nginx error line.</summary>
    [JsonStringEnumMemberName("backend-5xx")]
    Backend5xx,

    [JsonStringEnumMemberName("unclassified")]
    Unclassified,

    [JsonStringEnumMemberName("fpm-max-children")]
    FpmMaxChildren,

    [JsonStringEnumMemberName("fpm-busy")]
    FpmBusy,

    [JsonStringEnumMemberName("fpm-terminated")]
    FpmTerminated,

    [JsonStringEnumMemberName("fpm-killed")]
    FpmKilled,

    [JsonStringEnumMemberName("fpm-signal")]
    FpmSignal,

    [JsonStringEnumMemberName("gunicorn-timeout")]
    GunicornTimeout,

    [JsonStringEnumMemberName("gunicorn-signal")]
    GunicornSignal,

    [JsonStringEnumMemberName("fpm-slow")]
    FpmSlow,

    [JsonStringEnumMemberName("fpm-bind-failed")]
    FpmBindFailed,

    /// <summary>nginx's own limit_req rejected a request ("limiting requests ... by zone").</summary>
    [JsonStringEnumMemberName("limit-req")]
    LimitReq,

    /// <summary>nginx's own limit_conn rejected a request ("limiting connections by zone").</summary>
    [JsonStringEnumMemberName("limit-conn")]
    LimitConn,

    /// <summary>A 5xx nginx answered itself (the access log) with no error-log line of a failure for that request: `return 503`, an internal error it logs otherwise.</summary>
    [JsonStringEnumMemberName("nginx-5xx")]
    Nginx5xx,
}
