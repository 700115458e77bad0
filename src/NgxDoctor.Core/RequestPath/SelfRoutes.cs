using NgxDoctor.Config;
using NgxDoctor.Config.Routing;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.RequestPath;

/// <summary>
/// Where a request that nginx passes to its own listener lands: routed through the configuration as nginx would
/// route it (the listen address and port, the Host header the pass sends, the path), hop by hop while it lands on
/// another pass to nginx itself. Coming back to a location it already went through is a loop; landing elsewhere
/// (a front server handing over to another of nginx's servers) is not.
/// </summary>
public static class SelfRoutes
{
    private const int MaxHops = 5;

    public static IReadOnlyList<SelfRoute> Find(NginxConfig config, DiagnosisFacts facts)
    {
        var self = SelfProxy.Listening(facts).Select(x => x.Target).ToList();
        var routes = new List<SelfRoute>();
        foreach (var target in self)
        {
            foreach (var site in target.Sites.Where(s => s.LocationPos is not null))
            {
                var (loop, lands) = Follow(config, facts, self, target, site);
                routes.Add(new SelfRoute(target.Address.Text, site.Pos.ToString(), lands, loop));
            }
        }

        return routes;
    }

    private static (bool Loop, string? Lands) Follow(NginxConfig config, DiagnosisFacts facts, IReadOnlyList<UpstreamTarget> self, UpstreamTarget target, PassSite site)
    {
        var visited = new HashSet<string> { site.LocationPos!.ToString() };
        string? first = null;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            if (Request(facts, target, site) is not { } request)
            {
                return (false, first);
            }

            var route = RequestRouter.Route(config, request);
            var lands = route.Location?.Directive.Pos.ToString();
            first ??= lands;
            if (lands is null || !visited.Add(lands))
            {
                return (lands is not null, first);
            }

            var pass = route.Ends.FirstOrDefault(e => e.Directive.Name.EndsWith("_pass", StringComparison.Ordinal))?.Directive.Pos;
            var next = self.Select(t => (Target: t, Site: t.Sites.FirstOrDefault(s => s.Pos == pass))).FirstOrDefault(x => x.Site is not null);
            if (next.Site is null)
            {
                return (false, first);
            }

            (target, site) = (next.Target, next.Site);
        }

        return (false, first);
    }

    /// <summary>The request a pass site sends to the target: its Host header and the path it forwards.</summary>
    private static RouteRequest? Request(DiagnosisFacts facts, UpstreamTarget target, PassSite site)
    {
        if (target.Address.Port is not { } port || TargetListeners.Addresses(facts, target).FirstOrDefault() is not { } address)
        {
            return null;
        }

        var host = site.HostHeader switch
        {
            "$proxy_host" => target.Group ?? target.Address.Text,
            "$host" or "$http_host" => site.ServerNames.FirstOrDefault(n => n is not ("_" or "") && !n.Contains('*', StringComparison.Ordinal) && !n.StartsWith('~')) ?? address,
            var literal when !literal.Contains('$', StringComparison.Ordinal) => literal,
            _ => address,
        };
        var path = site.Uri is { Length: > 0 } uri && !uri.Contains('$', StringComparison.Ordinal) ? uri
            : site.Location is { } l && l.StartsWith('/') ? l
            : site.Location is { } exact && exact.StartsWith("= /", StringComparison.Ordinal) ? exact[2..]
            : "/";
        var authority = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
        try
        {
            return RouteRequest.Parse($"http://{authority}:{port}{path}", address, host);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
