namespace NgxDoctor.Config.Upstreams;

/// <summary>An `upstream {}` block as the inventory keeps it: its servers with their parameters, keepalive, balancer.</summary>
public static class UpstreamGroups
{
    private static readonly HashSet<string> ServerFlags = ["backup", "down", "resolve", "drain"];

    public static UpstreamGroup Build(Directive upstream)
    {
        var servers = new List<GroupServer>();
        int? keepalive = null;
        var balancer = "round_robin";
        var others = new List<string>();
        foreach (var d in upstream.Block!)
        {
            switch (d.Name)
            {
                case "server" when d.Args.Count >= 1:
                    var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var arg in d.Args.Skip(1))
                    {
                        var eq = arg.Value.IndexOf('=', StringComparison.Ordinal);
                        if (eq > 0)
                        {
                            parameters[arg.Value[..eq]] = arg.Value[(eq + 1)..];
                        }
                        else if (ServerFlags.Contains(arg.Value))
                        {
                            parameters[arg.Value] = "";
                        }
                    }

                    servers.Add(new GroupServer(UpstreamAddress.Parse(d.Arg(0), 80), parameters, d.Pos, d.ToEvidenceText()));
                    break;
                case "keepalive" when int.TryParse(d.Arg(0), out var k):
                    keepalive = k;
                    break;
                case "least_conn" or "ip_hash" or "hash" or "random" or "least_time":
                    balancer = d.Args.Count > 0 ? $"{d.Name} {string.Join(' ', d.Args.Select(a => a.Value))}" : d.Name;
                    break;
                default:
                    others.Add(d.ToEvidenceText());
                    break;
            }
        }

        var timeout = upstream.Block!.LastOrDefault(d => d.Name == "keepalive_timeout" && d.Args.Count > 0);
        return new UpstreamGroup(upstream.Arg(0), upstream.Pos, servers, keepalive, balancer, others)
        {
            KeepalivePos = upstream.Block!.LastOrDefault(d => d.Name == "keepalive")?.Pos,
            KeepaliveTimeout = timeout is null ? new EffectiveSetting("keepalive_timeout", "60s", null) : new EffectiveSetting("keepalive_timeout", timeout.Arg(0)!, timeout.Pos),
        };
    }
}
