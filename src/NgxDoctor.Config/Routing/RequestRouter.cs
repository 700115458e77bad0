namespace NgxDoctor.Config.Routing;

/// <summary>Where a routed request ends: a pass directive, a return, or what nginx does when none is reached.</summary>
public sealed record RouteEnd(Directive Directive, string How);

/// <summary>The whole route of a request: the server, the chain of locations, and the directives it ends at.</summary>
public sealed record RouteResult(
    RouteRequest Request,
    ServerMatch? Server,
    LocationHead? Location,
    IReadOnlyList<LocationStep> Steps,
    IReadOnlyDictionary<string, string> Captures,
    IReadOnlyList<RouteEnd> Ends,
    IReadOnlyList<string> Notes)
{
    /// <summary>nginx's internal redirects on the way (rewrite, try_files, index, named locations), in order.</summary>
    public IReadOnlyList<RouteHop> Hops { get; init; } = [];

    /// <summary>What nginx answers itself when no pass or return ends the route (a status, or a file from disk).</summary>
    public RouteAnswer? Answer { get; init; }
}

/// <summary>
/// Which server and location of a loaded configuration serve a URL, and which directives (proxy_pass and its
/// siblings, return) the request ends at: directly, inside an `if`, after nginx's internal redirects (rewrite, try_files,
/// index, named locations: <see cref="InternalRouter"/>), or through what error_page sends it to. Files on disk are
/// looked at only through <paramref name="files"/>.
/// </summary>
public static class RequestRouter
{
    public static readonly string[] Passes = ["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"];

    public static RouteResult Route(NginxConfig config, RouteRequest request, IDocumentFiles? files = null)
    {
        var notes = new List<string>();
        var inHttp = config.Walk().Where(x => x.Directive.Name == "server" && x.Ancestors.Count > 0 && x.Ancestors[^1].Name == "http").ToList();
        var servers = inHttp.Select(x => x.Directive).ToList();
        var server = ServerSelector.Select(servers, request, notes);
        if (server is null)
        {
            return new RouteResult(request, null, null, [], new Dictionary<string, string>(), [], notes);
        }

        var block = server.Server.Block ?? [];
        foreach (var d in block.Where(d => d.Name is "return"))
        {
            notes.Add($"{d.Pos}: `{d.ToEvidenceText()}` runs in the server block, before any location is chosen");
        }

        var path = request.Path;
        var steps = new List<LocationStep>();
        if (AutoRedirect(block, path) is { } redirect)
        {
            // The client follows the 301 and lands on the location that passes upstream: that is the route it fails on.
            notes.Add($"nginx answers {path} with a 301 redirect to {path}/ (location {redirect.Pattern} passes upstream); the client follows it to {path}/");
            steps.Add(new LocationStep(redirect, $"auto redirect: {path} is this prefix without its trailing slash; followed to {path}/"));
            path += "/";
        }

        var http = inHttp.First(x => ReferenceEquals(x.Directive, server.Server)).Ancestors[^1].Block ?? [];
        var followed = InternalRouter.Follow(block, http, path, request.Query, files);
        notes.AddRange(followed.Notes);
        var hops = followed.Hops.Select(h => h with { AfterStep = h.AfterStep + steps.Count }).ToList();
        steps.AddRange(followed.Steps);
        if (followed.Location is not { } location)
        {
            return new RouteResult(request, server, null, steps, followed.Captures, [], notes) { Hops = hops, Answer = followed.Answer };
        }

        // nginx answers itself (a file, a status, an internal location): nothing of the location runs.
        var ends = followed.Answer is null ? Ends(location.Directive, block, notes) : [];
        if (hops.LastOrDefault() is { Kind: HopKind.NamedLocation } named)
        {
            ends = ends.Select(e => e.How == "in the location" ? e with { How = $"via {named.Because.Name} {named.To} at {named.Because.Pos} ({named.How})" } : e).ToList();
        }

        ends.AddRange(ErrorPages(location.Directive, block, http, followed, files, notes));
        return new RouteResult(request, server, location, steps, followed.Captures, ends, notes) { Hops = hops, Answer = followed.Answer };
    }

    /// <summary>
    /// error_page (the location's, else the server's) sending a failed request to a URI: the passes where that URI
    /// ends are ends of this route too, on those statuses (named locations are reached by <see cref="Ends"/>).
    /// </summary>
    private static IEnumerable<RouteEnd> ErrorPages(Directive location, IReadOnlyList<Directive> server, IReadOnlyList<Directive> http, FollowedRoute followed, IDocumentFiles? files, List<string> notes)
    {
        var pages = (location.Block ?? []).Where(d => d.Name == "error_page").ToList() is { Count: > 0 } own ? own : server.Where(d => d.Name == "error_page").ToList();
        foreach (var d in pages.Where(d => d.Args.Count >= 2 && d.Args[^1].Value.StartsWith('/')))
        {
            var statuses = string.Join(' ', d.Args.Take(d.Args.Count - 1).Select(a => a.Value).Where(a => !a.StartsWith('=')));
            var to = InternalRouter.Follow(server, http, Trail.SplitQuery(d.Args[^1].Value, "").Path, followed.Query, files, redirected: true);
            if (to.Location is { } l && l.Directive != location)
            {
                notes.Add($"{d.Pos}: on status {statuses} nginx redirects internally to {d.Args[^1].Value} (location {l})");
                foreach (var end in Ends(l.Directive, server, []).Where(e => Passes.Contains(e.Directive.Name)))
                {
                    yield return end with { How = $"via error_page {statuses} {d.Args[^1].Value} at {d.Pos}" };
                }
            }
        }
    }

    private static List<RouteEnd> Ends(Directive location, IReadOnlyList<Directive> serverBlock, List<string> notes)
    {
        var ends = new List<RouteEnd>();
        foreach (var d in location.Block ?? [])
        {
            if (Passes.Contains(d.Name) || d.Name == "return")
            {
                ends.Add(new RouteEnd(d, "in the location"));
            }
            else if (d.Name == "if")
            {
                ends.AddRange((d.Block ?? []).Where(x => Passes.Contains(x.Name) || x.Name == "return")
                    .Select(x => new RouteEnd(x, $"inside if ({string.Join(' ', d.Args.Select(a => a.Raw))}) at {d.Pos}")));
            }
            else if (d.Name is "error_page" && d.Args.Count > 0 && d.Args[^1].Value.StartsWith('@'))
            {
                var name = d.Args[^1].Value;
                var named = serverBlock.FirstOrDefault(x => x.Name == "location" && x.Arg(0) == name);
                if (named is null)
                {
                    notes.Add($"{d.Pos}: {d.Name} names {name}, which this server does not define");
                    continue;
                }

                var when = d.Name == "try_files" ? "when none of the files exist" : $"on status {string.Join(' ', d.Args.Take(d.Args.Count - 1).Select(a => a.Value))}";
                ends.AddRange((named.Block ?? []).Where(x => Passes.Contains(x.Name) || x.Name == "return")
                    .Select(x => new RouteEnd(x, $"via {d.Name} {name} at {d.Pos} ({when})")));
            }
        }

        return ends;
    }

    /// <summary>A request for "/app" when "location /app/" passes upstream and no location is "/app" itself: nginx's 301 to "/app/".</summary>
    private static LocationHead? AutoRedirect(IReadOnlyList<Directive> block, string path)
    {
        var heads = block.Where(d => d.Name == "location" && d.Args.Count > 0).Select(LocationHead.Of).ToList();
        return heads.Any(h => h.Modifier is "=" or "" or "^~" && h.Pattern == path) ? null
            : heads.FirstOrDefault(h => h.Modifier is "" or "^~" && h.Pattern == path + "/" && (h.Directive.Block ?? []).Any(d => Passes.Contains(d.Name)));
    }
}
