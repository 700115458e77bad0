namespace NgxDoctor.Core.Diagnosis;

/// <summary>The one vocabulary of causes (the diagnose contract). Order = how much a cause explains when several are found.</summary>
public static class Cause
{
    public const string ConfigError = "config-error";
    public const string DnsFailure = "dns-failure";
    public const string DnsStale = "dns-stale";
    public const string UpstreamDown = "upstream-down";
    public const string WrongAddress = "wrong-address";
    public const string SocketPermission = "socket-permission";
    public const string FirewallBlocked = "firewall-blocked";
    public const string PoolExhausted = "pool-exhausted";
    public const string ResourceExhaustion = "resource-exhaustion";
    public const string UpstreamCrash = "upstream-crash";
    public const string UpstreamTimeout = "upstream-timeout";
    public const string HeaderTooBig = "header-too-big";
    public const string BadResponse = "bad-response";
    public const string BackendError = "backend-error";
    public const string NoLiveUpstreams = "no-live-upstreams";

    public static readonly IReadOnlyList<string> All =
    [
        ConfigError, DnsFailure, DnsStale, UpstreamDown, WrongAddress, SocketPermission, FirewallBlocked, PoolExhausted,
        ResourceExhaustion, UpstreamCrash, UpstreamTimeout, HeaderTooBig, BadResponse, BackendError, NoLiveUpstreams,
    ];

    public static int Rank(string cause)
    {
        var i = -1;
        for (var k = 0; k < All.Count && i < 0; k++)
        {
            i = All[k] == cause ? k : -1;
        }

        return i < 0 ? int.MaxValue : i;
    }
}
