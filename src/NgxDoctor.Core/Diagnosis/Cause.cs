using System.Text.Json.Serialization;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// The one vocabulary of causes (the diagnose contract; docs/causes has a page for each, the schema an enum of their
/// codes). Declaration order is the ranking among equals: a cause declared earlier explains more.
/// </summary>
public enum Cause
{
    [JsonStringEnumMemberName("config-error")]
    ConfigError,

    [JsonStringEnumMemberName("dns-failure")]
    DnsFailure,

    [JsonStringEnumMemberName("dns-stale")]
    DnsStale,

    [JsonStringEnumMemberName("upstream-down")]
    UpstreamDown,

    [JsonStringEnumMemberName("wrong-address")]
    WrongAddress,

    [JsonStringEnumMemberName("socket-permission")]
    SocketPermission,

    [JsonStringEnumMemberName("firewall-blocked")]
    FirewallBlocked,

    [JsonStringEnumMemberName("pool-exhausted")]
    PoolExhausted,

    [JsonStringEnumMemberName("resource-exhaustion")]
    ResourceExhaustion,

    [JsonStringEnumMemberName("upstream-crash")]
    UpstreamCrash,

    [JsonStringEnumMemberName("upstream-timeout")]
    UpstreamTimeout,

    [JsonStringEnumMemberName("header-too-big")]
    HeaderTooBig,

    [JsonStringEnumMemberName("bad-response")]
    BadResponse,

    [JsonStringEnumMemberName("backend-error")]
    BackendError,

    [JsonStringEnumMemberName("no-live-upstreams")]
    NoLiveUpstreams,

    [JsonStringEnumMemberName("rate-limited")]
    RateLimited,

    /// <summary>Failing requests nginx logged that no other finding explains: shown, never silence.</summary>
    [JsonStringEnumMemberName("unexplained-failures")]
    UnexplainedFailures,
}

public static class CauseCodes
{
    public static string Code(this Cause cause) => Codes<Cause>.Of(cause);

    public static int Rank(this Cause cause) => (int)cause;
}
