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
    IReadOnlyList<string> Notes);

/// <summary>
/// Which server and location of a loaded configuration serve a URL, and which directives (proxy_pass and its
/// siblings, return) the request ends at: directly, inside an `if`, or through a named location that try_files or
/// error_page falls back to. Static: variables, files on disk and rewrites are reported, not evaluated.
/// </summary>
public static class RequestRouter
{
    public static readonly string[] Passes = ["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"];

    public static RouteResult Route(NginxConfig config, RouteRequest request)
    {
        var notes = new List<string>();
        var servers = config.Walk().Where(x => x.Directive.Name == "server" && x.Ancestors.Count > 0 && x.Ancestors[^1].Name == "http").Select(x => x.Directive).ToList();
        var server = ServerSelector.Select(servers, request, notes);
        if (server is null)
        {
            return new RouteResult(request, null, null, [], new Dictionary<string, string>(), [], notes);
        }

        var block = server.Server.Block ?? [];
        foreach (var d in block.Where(d => d.Name is "return" or "rewrite"))
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

        var found = LocationMatcher.Find(block, path);
        found = found with { Steps = [.. steps, .. found.Steps] };
        if (found.Location is null)
        {
            notes.Add("no location matches: nginx serves the URI from the server's root (404 when there is no such file)");
            return new RouteResult(request, server, null, found.Steps, found.Captures, [], notes);
        }

        var ends = Ends(found.Location.Directive, block, notes);
        return new RouteResult(request, server, found.Location, found.Steps, found.Captures, ends, notes);
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
            else if (d.Name is "try_files" or "error_page" && d.Args.Count > 0 && d.Args[^1].Value.StartsWith('@'))
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
