namespace NgxDoctor.Core.Facts;

/// <summary>One name looked up: by the system resolver (as nginx does at start-up) or by a `resolver` nginx names.</summary>
public sealed record DnsLookup(string Name, string Server, string Outcome, IReadOnlyList<string> Addresses, double ElapsedMs, string Detail)
{
    public const string System = "system";
    public const string Ok = "ok";
    public const string NotFound = "not-found";
    public const string NoAnswer = "no-answer";
    public const string Failed = "failed";
}

/// <summary>TCP connections of the host to one remote address, by state, and how many of them nginx's workers hold.</summary>
public sealed record ConnectionCount(string Remote, int Established, int TimeWait, int Other, int HeldByNginx);

/// <summary>A packet-filter rule that drops or rejects traffic, with what it matches (null: anything).</summary>
public sealed record FirewallRule(string Chain, string Verdict, string? Protocol, IReadOnlyList<string> Addresses, IReadOnlyList<string> Ports, string Text)
{
    /// <summary>Whether traffic to this address and port meets the rule (addresses as written: an IP or a CIDR prefix).</summary>
    public bool Matches(string address, int port) =>
        (Protocol is null or "tcp") && (Addresses.Count == 0 || Addresses.Any(a => Cidr.Contains(a, address)))
        && (Ports.Count == 0 || Ports.Any(p => PortMatches(p, port)));

    /// <summary>Socket owners the rule is limited to (iptables `-m owner --uid-owner`, nft `meta skuid`): uids or user names.</summary>
    public IReadOnlyList<string> Uids { get; init; } = [];

    /// <summary>Socket owner groups it is limited to (`--gid-owner`, `meta skgid`).</summary>
    public IReadOnlyList<string> Gids { get; init; } = [];

    /// <summary>Whether a socket of this user (uid, name, gid and groups) meets the rule's owner matches (a rule without any: every socket).</summary>
    public bool AppliesTo(uint uid, string? user, uint gid, IReadOnlyList<uint> groups) =>
        (Uids.Count == 0 || Uids.Any(u => u == uid.ToString(System.Globalization.CultureInfo.InvariantCulture) || u == user || Range(u, uid)))
        && (Gids.Count == 0 || Gids.Any(g => groups.Append(gid).Any(x => g == x.ToString(System.Globalization.CultureInfo.InvariantCulture) || Range(g, x))));

    /// <summary>Limited to some users or groups: it treats root's sockets and nginx's workers' differently.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ByOwner => Uids.Count > 0 || Gids.Count > 0;

    private static bool Range(string spec, uint id) => spec.IndexOf('-') is var dash and > 0
        && uint.TryParse(spec[..dash], out var lo) && uint.TryParse(spec[(dash + 1)..], out var hi) && id >= lo && id <= hi;

    private static bool PortMatches(string spec, int port)
    {
        var dash = spec.IndexOfAny(['-', ':']);
        return dash > 0
            ? int.TryParse(spec[..dash], out var lo) && int.TryParse(spec[(dash + 1)..], out var hi) && port >= lo && port <= hi
            : int.TryParse(spec, out var p) && p == port;
    }
}

/// <summary>The packet filter's drop/reject rules as read with nft or iptables-save, or why they could not be read.</summary>
public sealed record FirewallFacts(string Source, string? Problem, IReadOnlyList<FirewallRule> Rules);

/// <summary>The service (a systemd unit) that should listen on an upstream address, and how that is known.</summary>
public sealed record KnownService(string Address, string Unit, string Source)
{
    /// <summary>Who starts it (systemd for facts written before this was recorded).</summary>
    public ServiceManager Manager { get; init; } = ServiceManager.Systemd;

    /// <summary>Why it does not run, in its own words: the last errors of its log (a PHP-FPM whose configuration it refuses), with file:line.</summary>
    public IReadOnlyList<LogQuote> Refusal { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public string StartCommand => ServiceCommands.Text(Manager, "start", Unit) ?? $"start {Unit}";
}

/// <summary>A line of a log, where it stands.</summary>
public sealed record LogQuote(string Source, string Text);

/// <summary>Kernel limits that bound what nginx and its backends can do.</summary>
public sealed record SystemFacts
{
    /// <summary>The memory page size of the diagnosed host: nginx's buffer defaults are one page (4k, or 8k on some arm64 and ppc64 kernels).</summary>
    public int? PageSize { get; init; }

    /// <summary>net.core.somaxconn: the cap on every listen backlog.</summary>
    public int? Somaxconn { get; init; }

    /// <summary>net.ipv4.ip_local_port_range: the ports a connection to one upstream address can use.</summary>
    public int? EphemeralLow { get; init; }

    public int? EphemeralHigh { get; init; }

    public long? MemTotalKb { get; init; }

    public long? MemAvailableKb { get; init; }

    public long? SwapTotalKb { get; init; }

    public long? SwapFreeKb { get; init; }

    /// <summary>What starts services here (a remedy says `service X start` where there is no systemd).</summary>
    public ServiceManager ServiceManager { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int EphemeralCount => EphemeralLow is { } lo && EphemeralHigh is { } hi ? hi - lo + 1 : 0;
}

/// <summary>
/// A host whose upstream port gave no answer (the connect timed out or found no route), asked otherwise: the kernel's
/// neighbour entry for it when it is on one of nginx's links ("incomplete": no ARP reply), and a connect to a few of
/// its other ports (an answer, even a refusal, means the host is up).
/// </summary>
public sealed record RemoteHost(string Address, string? Neighbour, IReadOnlyList<ProbeResult> OtherPorts)
{
    public const string Incomplete = "incomplete";
    public const string Complete = "complete";

    /// <summary>No ARP reply: nothing on the link has this address.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Silent => Neighbour == Incomplete;

    /// <summary>Another of its ports answered (connected or refused): the host is up.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<ProbeResult> Answering => OtherPorts.Where(p => p.Outcome is ProbeOutcome.Connected or ProbeOutcome.Refused).ToList();
}

/// <summary>Where a request nginx passes to its own listener lands (file:line of the location), and whether it comes back to where it was passed from.</summary>
public sealed record SelfRoute(string Target, string From, string? LandsAt, bool Loop);
