using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Diagnosis;

public enum Confidence
{
    [JsonStringEnumMemberName("high")]
    High,

    [JsonStringEnumMemberName("medium")]
    Medium,

    [JsonStringEnumMemberName("low")]
    Low,
}

/// <summary>What a finding's confidence rests on; the order is from the strongest to the weakest.</summary>
public enum Basis
{
    /// <summary>A probe reproduced it now.</summary>
    [JsonStringEnumMemberName("probe")]
    Probe,

    [JsonStringEnumMemberName("firewall-rule")]
    FirewallRule,

    /// <summary>nginx logs it now.</summary>
    [JsonStringEnumMemberName("log-now")]
    LogNow,

    [JsonStringEnumMemberName("config-test")]
    ConfigTest,

    /// <summary>Logged in the window, but over.</summary>
    [JsonStringEnumMemberName("log-past")]
    LogPast,

    [JsonStringEnumMemberName("host-state")]
    HostState,

    [JsonStringEnumMemberName("config-only")]
    ConfigOnly,
}

public static class BasisText
{
    public static Confidence Level(this Basis basis) => basis switch
    {
        Basis.Probe or Basis.FirewallRule or Basis.LogNow or Basis.ConfigTest => Confidence.High,
        Basis.LogPast or Basis.HostState => Confidence.Medium,
        _ => Confidence.Low,
    };

    public static string Why(this Basis basis) => basis switch
    {
        Basis.Probe => "a probe reproduced it now",
        Basis.FirewallRule => "a packet-filter rule matches the address and port",
        Basis.LogNow => "nginx is logging it now",
        Basis.ConfigTest => "nginx -t says so",
        Basis.LogPast => "logged in the window, not happening now",
        Basis.HostState => "read from the host's state; no failing request was seen",
        _ => "inferred from the configuration alone",
    };
}
