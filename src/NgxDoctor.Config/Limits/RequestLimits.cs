namespace NgxDoctor.Config.Limits;

/// <summary>Which of nginx's own limits: limit_req (a request rate) or limit_conn (connections at once).</summary>
public enum LimitKind
{
    Requests,
    Connections,
}

/// <summary>`limit_req_zone $key zone=NAME:SIZE rate=R;` or `limit_conn_zone $key zone=NAME:SIZE;`, where it is written.</summary>
public sealed record LimitZone(LimitKind Kind, string Name, string Key, string? Rate, SourcePos Pos, string Text);

/// <summary>`limit_req zone=NAME [burst=N] [nodelay];` or `limit_conn NAME N;` in a server or location, where it is written.</summary>
public sealed record LimitUse(LimitKind Kind, string Zone, string? Burst, bool NoDelay, string? Connections, SourcePos Pos, string Context, string Text)
{
    /// <summary>`limit_req_status` / `limit_conn_status` in force there; 503 (nginx's default) when none is set.</summary>
    public int Status { get; init; } = 503;
}

/// <summary>nginx's own request and connection limits in a configuration: the zones and where they are applied.</summary>
public sealed record RequestLimits(IReadOnlyList<LimitZone> Zones, IReadOnlyList<LimitUse> Uses)
{
    public static readonly RequestLimits None = new([], []);

    public static RequestLimits Find(NginxConfig config)
    {
        var zones = new List<LimitZone>();
        var uses = new List<LimitUse>();
        foreach (var (d, ancestors) in config.Walk())
        {
            switch (d.Name)
            {
                case "limit_req_zone" or "limit_conn_zone" when Parameter(d, "zone=") is { } zone:
                    zones.Add(new LimitZone(d.Name == "limit_req_zone" ? LimitKind.Requests : LimitKind.Connections, zone.Split(':')[0], d.Arg(0), Parameter(d, "rate="), d.Pos, d.ToEvidenceText()));
                    break;
                case "limit_req" when Parameter(d, "zone=") is { } name:
                    uses.Add(new LimitUse(LimitKind.Requests, name, Parameter(d, "burst="), d.Args.Any(a => a.Value == "nodelay"), null, d.Pos, Context(ancestors), d.ToEvidenceText())
                    {
                        Status = StatusIn(ancestors, "limit_req_status"),
                    });
                    break;
                case "limit_conn" when d.Args.Count >= 2:
                    uses.Add(new LimitUse(LimitKind.Connections, d.Arg(0), null, false, d.Arg(1), d.Pos, Context(ancestors), d.ToEvidenceText())
                    {
                        Status = StatusIn(ancestors, "limit_conn_status"),
                    });
                    break;
            }
        }

        return new RequestLimits(zones, uses);
    }

    private static string? Parameter(Directive d, string prefix) =>
        d.Args.Select(a => a.Value).FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    /// <summary>"location /api", "server", "http": the innermost block it is written in.</summary>
    private static string Context(IReadOnlyList<Directive> ancestors) =>
        ancestors.Count == 0 ? "main" : string.Join(' ', [ancestors[^1].Name, .. ancestors[^1].Args.Select(a => a.Value)]);

    /// <summary>The innermost `limit_*_status` among the blocks around a use (a sibling of the use or of a block that holds it).</summary>
    private static int StatusIn(IReadOnlyList<Directive> ancestors, string name)
    {
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            if (ancestors[i].Block?.LastOrDefault(x => x.Name == name) is { } set && int.TryParse(set.Arg(0), System.Globalization.CultureInfo.InvariantCulture, out var status))
            {
                return status;
            }
        }

        return 503;
    }
}
