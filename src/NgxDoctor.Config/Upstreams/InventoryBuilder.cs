namespace NgxDoctor.Config.Upstreams;

/// <summary>Builds the upstream inventory of a loaded configuration: groups, pass sites and the addresses behind them.</summary>
public static class InventoryBuilder
{
    public static UpstreamInventory Build(NginxConfig config, int pageSize = ModuleSettings.DefaultPageSize)
    {
        var groups = new Dictionary<string, UpstreamGroup>(StringComparer.Ordinal);
        var streamGroups = new Dictionary<string, UpstreamGroup>(StringComparer.Ordinal);
        var sites = new List<(PassSite Site, PassDirective Pass, string Address)>();
        WorkerUserSetting? user = null;
        var workerConnections = new EffectiveSetting("worker_connections", "512", null);
        var settings = new SettingsIndex();

        foreach (var (d, ancestors) in config.Walk())
        {
            if (d.Name == "worker_connections" && ancestors.Count == 1 && ancestors[0].Name == "events" && d.Args.Count == 1)
            {
                workerConnections = new EffectiveSetting(d.Name, d.Arg(0), d.Pos);
            }
            else if (d.Name == "user" && ancestors.Count == 0 && d.Args.Count >= 1)
            {
                user = new WorkerUserSetting(d.Arg(0), d.Args.Count > 1 ? d.Arg(1) : null, d.Pos);
            }
            else if (d.Name == "upstream" && d.Block is not null && ancestors.Count > 0 && ancestors[^1].Name is "http" or "stream")
            {
                if (ancestors[^1].Name == "http")
                {
                    groups.TryAdd(d.Arg(0), UpstreamGroups.Build(d));
                }
                else
                {
                    streamGroups.TryAdd(d.Arg(0), UpstreamGroups.Build(d) with { Stream = true });
                }
            }
            else if (d.Name == "proxy_pass" && d.Block is null && d.Args.Count == 1 && StreamPass.InStream(ancestors))
            {
                sites.Add((StreamPass.Site(d, ancestors, settings), StreamPass.Directive, d.Arg(0)));
            }
            else if (PassDirective.Find(d.Name) is { } pass && d.Block is null && d.Args.Count >= 1 && InHttp(ancestors))
            {
                var (protocol, address, uri) = pass.Split(d.Arg(0));
                sites.Add((BuildSite(d, pass, protocol, uri, ancestors, settings, pageSize), pass, address));
            }
        }

        var targets = new TargetSet();
        foreach (var (site, pass, addressText) in sites)
        {
            var hasPort = addressText.StartsWith("unix:", StringComparison.Ordinal) || HasPort(addressText);
            var named = StreamPass.IsStream(site) ? streamGroups : groups;
            if (!hasPort && named.TryGetValue(addressText, out var group))
            {
                foreach (var server in group.Servers)
                {
                    targets.Add(server.Address, group.Name, server, site);
                }

                continue;
            }

            targets.Add(UpstreamAddress.Parse(addressText, pass.PortFor(site.Protocol)), null, null, site);
        }

        return new UpstreamInventory(
            targets.ToList(),
            groups.Values.Concat(streamGroups.Values).ToList(),
            sites.Select(s => s.Site).ToList(),
            user)
        {
            WorkerConnections = workerConnections,
        };
    }

    private static bool InHttp(IReadOnlyList<Directive> ancestors) => ancestors.Count > 0 && ancestors[0].Name == "http";

    private static bool HasPort(string address)
    {
        var close = address.LastIndexOf(']');
        var colon = address.LastIndexOf(':');
        return colon > close;
    }

    private static PassSite BuildSite(Directive d, PassDirective pass, string protocol, string? uri, IReadOnlyList<Directive> ancestors, SettingsIndex index, int pageSize)
    {
        var server = ancestors.LastOrDefault(a => a.Name == "server");
        var location = ancestors.LastOrDefault(a => a.Name == "location");
        var names = server?.Block?.Where(x => x.Name == "server_name").SelectMany(x => x.Args.Select(a => a.Value)).ToList() ?? [];
        var listens = server?.Block?.Where(x => x.Name == "listen").Select(x => string.Join(' ', x.Args.Select(a => a.Value))).ToList() ?? [];
        var settings = ModuleSettings.For(pass.Module, protocol is "https" or "grpcs" or "suwsgi", pageSize)
            .Select(s => index.Find(s.Name, ancestors) ?? new EffectiveSetting(s.Name, s.Default, null))
            .ToList();
        return new PassSite(
            d.Name,
            d.Arg(0),
            protocol,
            uri,
            d.Pos,
            d.ToEvidenceText(),
            names,
            listens,
            server?.Pos,
            location is null ? null : string.Join(' ', location.Args.Select(a => a.Value)),
            location?.Pos,
            settings,
            index.Find("resolver", ancestors))
        {
            HostHeader = pass.Module == "proxy" ? index.HostHeader(ancestors) : "$proxy_host",
            ResolverTimeout = index.Find("resolver_timeout", ancestors),
            ExpandedArgument = d.Arg(0).Contains('$', StringComparison.Ordinal) ? Expand(d.Arg(0), ancestors) : d.Arg(0),
        };
    }

    /// <summary>Puts in the values of `set $name "literal";` found in the enclosing blocks (innermost first); null when any variable stays unknown.</summary>
    private static string? Expand(string text, IReadOnlyList<Directive> ancestors) => VariableText.Expand(text, name =>
        ancestors.Reverse().SelectMany(a => a.Block?.Where(x => x.Name == "set" && x.Args.Count == 2 && x.Arg(0) == "$" + name) ?? []).FirstOrDefault()?.Arg(1) is { } v
            && !v.Contains('$', StringComparison.Ordinal) ? v : null);

    /// <summary>Targets keyed by (address, group), in first-seen order, each with its sites once.</summary>
    private sealed class TargetSet
    {
        private readonly Dictionary<(string, string?, bool), (UpstreamAddress Address, GroupServer? Server, List<PassSite> Sites, HashSet<PassSite> Seen)> _byKey = [];
        private readonly List<(string, string?, bool)> _order = [];

        public void Add(UpstreamAddress address, string? group, GroupServer? server, PassSite site)
        {
            // A stream group and an http group of one name are two groups.
            var key = (address.Text, group, group is not null && StreamPass.IsStream(site));
            if (!_byKey.TryGetValue(key, out var entry))
            {
                entry = (address, server, [], new HashSet<PassSite>(ReferenceEqualityComparer.Instance));
                _byKey[key] = entry;
                _order.Add(key);
            }

            if (entry.Seen.Add(site))
            {
                entry.Sites.Add(site);
            }
        }

        public List<UpstreamTarget> ToList() => _order.Select(k => (k, _byKey[k]))
            .Select(x => new UpstreamTarget(x.Item2.Address, x.k.Item2, x.Item2.Server, x.Item2.Sites)).ToList();
    }
}
