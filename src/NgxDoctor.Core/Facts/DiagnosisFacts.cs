using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Core.Facts;

/// <summary>The result of `nginx -t` with the instance's binary, configuration and prefix.</summary>
public sealed record ConfigTestResult(string Command, int ExitCode, string Output)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Passed => ExitCode == 0;
}

/// <summary>Something that could not be gathered, and why (not root, tool missing, timed out).</summary>
public sealed record NotCollected(Fact What, string Reason);

/// <summary>
/// Everything observed on one host, gathered once. Checks read only this, so a snapshot serialised on
/// one machine can be diagnosed on another.
/// </summary>
public sealed record DiagnosisFacts
{
    public int FormatVersion { get; init; } = 2;

    public DateTimeOffset CollectedAt { get; init; }

    public string Hostname { get; init; } = "";

    public string ConfigFile { get; init; } = "";

    public NginxInstance? Instance { get; init; }

    /// <summary>Which instance of the host this is and where it stands (container, namespaces); null in facts from before format 2's instances.</summary>
    public InstanceIdentity? Identity { get; init; }

    public WorkerIdentity? Worker { get; init; }

    public UpstreamInventory Inventory { get; init; } = new([], [], [], null);

    public IReadOnlyList<ConfigDiagnostic> ConfigDiagnostics { get; init; } = [];

    /// <summary>nginx's own request and connection limits (limit_req, limit_conn): their zones and where they apply.</summary>
    public NgxDoctor.Config.Limits.RequestLimits Limits { get; init; } = NgxDoctor.Config.Limits.RequestLimits.None;

    public ConfigTestResult? ConfigTest { get; init; }

    public IReadOnlyList<Listener>? Listeners { get; init; }

    public IReadOnlyList<SocketPathFacts> SocketPaths { get; init; } = [];

    public IReadOnlyList<ProbeResult>? Probes { get; init; }

    /// <summary>HTTP requests sent to the HTTP upstreams that accept connections; null when none was sent.</summary>
    public IReadOnlyList<HttpProbeResult>? HttpProbes { get; init; }

    /// <summary>FastCGI requests sent to the fastcgi_pass upstreams that accept connections (PHP-FPM's status page when the pool has one).</summary>
    public IReadOnlyList<FastCgiProbeResult>? FastCgiProbes { get; init; }

    /// <summary>Running PHP-FPM masters and their pools.</summary>
    public IReadOnlyList<FpmInstance> PhpFpm { get; init; } = [];

    /// <summary>Processes the kernel's OOM killer killed in the log window; null when the kernel log could not be read.</summary>
    public IReadOnlyList<NgxDoctor.Core.Logs.OomKill>? OomKills { get; init; }

    /// <summary>Processes the kernel saw die of a fault in the window (segfault, trap); null when the kernel log was not read.</summary>
    public IReadOnlyList<NgxDoctor.Core.Logs.KernelCrash>? KernelCrashes { get; init; }

    /// <summary>AppArmor and SELinux denials in the window (kernel log, auditd's log); null when the kernel log was not read.</summary>
    public IReadOnlyList<NgxDoctor.Core.Logs.MacDenial>? MacDenials { get; init; }

    /// <summary>Upstream names looked up now (system resolver, and the `resolver` servers nginx names); null when not looked up.</summary>
    public IReadOnlyList<DnsLookup>? Dns { get; init; }

    /// <summary>TCP connections to the upstreams' addresses, by state; null when /proc/net/tcp could not be read.</summary>
    public IReadOnlyList<ConnectionCount>? Connections { get; init; }

    /// <summary>For upstreams whose listener is this nginx: where a request passed there lands, and whether that is a loop; empty when none (or gathered by an older version).</summary>
    public IReadOnlyList<SelfRoute> SelfRoutes { get; init; } = [];

    /// <summary>Remote hosts whose upstream port gave no answer, asked otherwise (neighbour entry, other ports); empty when none.</summary>
    public IReadOnlyList<RemoteHost> RemoteHosts { get; init; } = [];

    /// <summary>Drop/reject rules of the packet filter, read when a listening upstream did not accept nginx's connection.</summary>
    public FirewallFacts? Firewall { get; init; }

    public SystemFacts? System { get; init; }

    /// <summary>Services known to serve upstream addresses (installed PHP-FPM units); empty when none or no systemd.</summary>
    public IReadOnlyList<KnownService> Services { get; init; } = [];

    /// <summary>The host's other network namespaces and its containers (running or stopped): where a backend may have gone.</summary>
    public IReadOnlyList<Peer>? Peers { get; init; }

    /// <summary>Log evidence; null when no log was read.</summary>
    public LogFacts? Logs { get; init; }

    public IReadOnlyList<NotCollected> NotCollected { get; init; } = [];

    public ProbeResult? ProbeFor(UpstreamTarget target) => Probes is null ? null : FactsLookups.Of(this).Probes.GetValueOrDefault(target.Address.Text);

    /// <summary>
    /// TCP connects made again from sockets with nginx's worker's uid, gid and groups, to the upstreams root's probe
    /// reached (a rule that matches users sits between them); null when not tried (not root, or workers run as root).
    /// </summary>
    public IReadOnlyList<ProbeResult>? WorkerProbes { get; init; }

    /// <summary>Idle keep-alive connections held open to the servers of groups with `keepalive` whose log shows premature closes; empty when none was needed.</summary>
    public IReadOnlyList<IdleCloseResult> IdleCloses { get; init; } = [];

    /// <summary>Logged requests that got "upstream sent too big header" from a fastcgi_pass, sent again as nginx would; empty when none was needed.</summary>
    public IReadOnlyList<FastCgiProbeResult> FastCgiReplays { get; init; } = [];

    public ProbeResult? WorkerProbeFor(UpstreamTarget target) => WorkerProbes is null ? null : FactsLookups.Of(this).WorkerProbes.GetValueOrDefault(target.Address.Text);

    public SocketPathFacts? SocketPathFor(string path) => FactsLookups.Of(this).SocketPaths.GetValueOrDefault(path);

    public string? WhyNotCollected(Fact what) => NotCollected.FirstOrDefault(n => n.What == what)?.Reason;

    /// <summary>Why a fact is absent (a collector's reason, else <see cref="FactText.Absent"/>); null when it was gathered.</summary>
    public string? Gap(Fact fact) => Gathered(fact) ? null : WhyNotCollected(fact) ?? fact.Absent();

    private bool Gathered(Fact fact) => fact switch
    {
        Fact.ConfigTest => ConfigTest is not null,
        Fact.Worker => Worker is not null,
        Fact.Listeners => Listeners is not null,
        Fact.Probes => Probes is not null,
        Fact.WorkerProbes => WorkerProbes is not null,
        Fact.HttpProbes => HttpProbes is not null,
        Fact.FastCgiProbes => FastCgiProbes is not null,
        Fact.Dns => Dns is not null,
        Fact.Firewall => Firewall is not null,
        Fact.KernelLog => OomKills is not null,
        Fact.ErrorLog or Fact.AccessLog => Logs is not null,
        _ => true,
    };
}
