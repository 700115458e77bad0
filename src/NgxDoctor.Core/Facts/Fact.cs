using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Facts;

/// <summary>What the collectors gather; a <see cref="NotCollected"/> names the one it could not, a check the ones it <see cref="Diagnosis.ICheck.Needs"/>.</summary>
public enum Fact
{
    [JsonStringEnumMemberName("config-test")]
    ConfigTest,

    [JsonStringEnumMemberName("worker")]
    Worker,

    [JsonStringEnumMemberName("listeners")]
    Listeners,

    [JsonStringEnumMemberName("listener-owners")]
    ListenerOwners,

    [JsonStringEnumMemberName("probes")]
    Probes,

    [JsonStringEnumMemberName("http-probes")]
    HttpProbes,

    [JsonStringEnumMemberName("fastcgi-probes")]
    FastCgiProbes,

    [JsonStringEnumMemberName("worker-probes")]
    WorkerProbes,

    [JsonStringEnumMemberName("dns")]
    Dns,

    [JsonStringEnumMemberName("firewall")]
    Firewall,

    [JsonStringEnumMemberName("kernel-log")]
    KernelLog,

    [JsonStringEnumMemberName("error-log")]
    ErrorLog,

    [JsonStringEnumMemberName("access-log")]
    AccessLog,

    [JsonStringEnumMemberName("php-fpm")]
    PhpFpm,

    [JsonStringEnumMemberName("php-fpm-log")]
    PhpFpmLog,

    [JsonStringEnumMemberName("log")]
    Log,

    [JsonStringEnumMemberName("other-instances")]
    OtherInstances,

    [JsonStringEnumMemberName("nginx-binary")]
    NginxBinary,

    [JsonStringEnumMemberName("running-master")]
    RunningMaster,

    [JsonStringEnumMemberName("containers")]
    Containers,
}

public static class FactText
{
    /// <summary>What a check says when a fact it needs is absent and no collector said why (facts written by hand or by an older version).</summary>
    public static string Absent(this Fact fact) => fact switch
    {
        Fact.ConfigTest => "nginx -t was not run",
        Fact.Worker => "the worker user is not known",
        Fact.Listeners => "the listener table was not read",
        Fact.Probes => "upstreams were not probed",
        Fact.HttpProbes => "no request was sent to an upstream",
        Fact.FastCgiProbes => "no FastCGI request was sent",
        Fact.WorkerProbes => "connections were not tried as nginx's worker user",
        Fact.Dns => "names were not looked up",
        Fact.Firewall => "the packet filter's rules were not read",
        Fact.KernelLog => "the kernel log was not read",
        Fact.ErrorLog => "no error-log was read",
        Fact.AccessLog => "no access-log was read",
        _ => "not gathered",
    };
}
