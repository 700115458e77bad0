namespace NgxDoctor.Core.Facts;

/// <summary>
/// Another network namespace of the host, or a container (running or not), where an upstream may really be: the
/// names it answers to, its addresses, its state and what listens in it. Evidence about where a backend went.
/// </summary>
public sealed record Peer(ulong? NetworkNamespace, IReadOnlyList<string> Listening)
{
    public ContainerIdentity? Container { get; init; }

    /// <summary>"running", "exited"... for a container; "running" for a namespace seen through its processes.</summary>
    public string State { get; init; } = "running";

    /// <summary>Names it answers to on its networks (container name, aliases, compose service).</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>A process of the namespace, for one without a container ("python3 (pid 4242)").</summary>
    public string? Process { get; init; }

    /// <summary>ngxdoctor's own network namespace (the host's, as a rule).</summary>
    public bool Host { get; init; }

    /// <summary>Whether nginx, attached to <paramref name="networks"/>, reaches it by the name <paramref name="host"/>: a network both share.</summary>
    public bool AnswersTo(string host, IReadOnlyList<string> networks) =>
        Names.Contains(host, StringComparer.OrdinalIgnoreCase) && Container is { } c && c.Networks.Intersect(networks, StringComparer.Ordinal).Any();

    /// <summary>Its TCP listeners as (address, port): "*:8001" is ("0.0.0.0", 8001).</summary>
    public IEnumerable<(string Address, int Port)> Ports() =>
        Listening.Select(l => (Colon: l.LastIndexOf(':'), Text: l))
            .Where(x => x.Colon > 0 && int.TryParse(x.Text.AsSpan(x.Colon + 1), out _))
            .Select(x => (x.Text[..x.Colon].Trim('[', ']') is "*" ? "0.0.0.0" : x.Text[..x.Colon].Trim('[', ']'), int.Parse(x.Text.AsSpan(x.Colon + 1), System.Globalization.CultureInfo.InvariantCulture)));

    [System.Text.Json.Serialization.JsonIgnore]
    public string Describe => Container?.Describe ?? (Host ? "the host" : $"{Process ?? "a process"} in network namespace {NetworkNamespace}");
}
