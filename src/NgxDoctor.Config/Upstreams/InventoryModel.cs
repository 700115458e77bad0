namespace NgxDoctor.Config.Upstreams;

/// <summary>A `server` line of an upstream{} group with its parameters (weight, max_fails, backup, down...).</summary>
public sealed record GroupServer(UpstreamAddress Address, IReadOnlyDictionary<string, string> Parameters, SourcePos Pos, string Text)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDown => Parameters.ContainsKey("down");

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsBackup => Parameters.ContainsKey("backup");
}

public sealed record UpstreamGroup(
    string Name,
    SourcePos Pos,
    IReadOnlyList<GroupServer> Servers,
    int? Keepalive,
    string Balancer,
    IReadOnlyList<string> OtherDirectives)
{
    public SourcePos? KeepalivePos { get; init; }

    /// <summary>An upstream{} of stream{} (TCP/UDP), whose names are apart from http{}'s.</summary>
    public bool Stream { get; init; }

    /// <summary>How long nginx keeps an idle cached connection to the group's servers (the group's keepalive_timeout; 60s by default).</summary>
    public EffectiveSetting KeepaliveTimeout { get; init; } = new("keepalive_timeout", "60s", null);
}

/// <summary>A value in force for a location, and where it was set (null: nginx's default).</summary>
public sealed record EffectiveSetting(string Name, string Value, SourcePos? Pos)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDefault => Pos is null;
}

/// <summary>A place that passes requests upstream: the directive, its server and location, and the settings in force there.</summary>
public sealed record PassSite(
    string Directive,
    string Argument,
    string Protocol,
    string? Uri,
    SourcePos Pos,
    string Text,
    IReadOnlyList<string> ServerNames,
    IReadOnlyList<string> Listens,
    SourcePos? ServerPos,
    string? Location,
    SourcePos? LocationPos,
    IReadOnlyList<EffectiveSetting> Settings,
    EffectiveSetting? Resolver)
{
    /// <summary>The pass argument with `set $var "literal"` values of the enclosing blocks put in; null when a variable has no such value.</summary>
    public string? ExpandedArgument { get; init; }

    /// <summary>resolver_timeout in force (nginx's default is 30s when unset).</summary>
    public EffectiveSetting? ResolverTimeout { get; init; }

    /// <summary>The Host header nginx sends (proxy_set_header Host, as written; nginx's default is $proxy_host).</summary>
    public string HostHeader { get; init; } = "$proxy_host";

    public EffectiveSetting? Setting(string suffix) => Settings.FirstOrDefault(s => s.Name.EndsWith(suffix, StringComparison.Ordinal));
}

/// <summary>One address nginx sends requests to, the group it belongs to (if any), and every site that leads to it.</summary>
public sealed record UpstreamTarget(
    UpstreamAddress Address,
    string? Group,
    GroupServer? Server,
    IReadOnlyList<PassSite> Sites)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Protocol => Sites.Count > 0 ? Sites[0].Protocol : "http";

    /// <summary>How findings name it: the server line of its group, else the pass directive.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SourcePos ConfigPos => Server?.Pos ?? Sites[0].Pos;

    [System.Text.Json.Serialization.JsonIgnore]
    public string ConfigText => Server?.Text ?? Sites[0].Text;
}

public sealed record UpstreamInventory(
    IReadOnlyList<UpstreamTarget> Targets,
    IReadOnlyList<UpstreamGroup> Groups,
    IReadOnlyList<PassSite> Sites,
    WorkerUserSetting? WorkerUser)
{
    /// <summary>events { worker_connections } (nginx's default 512 when not set).</summary>
    public EffectiveSetting WorkerConnections { get; init; } = new("worker_connections", "512", null);
}

/// <summary>The `user` directive (null fields: nginx's compiled-in default, usually nobody).</summary>
public sealed record WorkerUserSetting(string User, string? Group, SourcePos Pos);
