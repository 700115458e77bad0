namespace NgxDoctor.Config.Routing;

/// <summary>The ways nginx sends a request on inside itself.</summary>
public enum HopKind
{
    /// <summary>rewrite ... last (or a rewrite without flag that changed the URI): the location search starts again.</summary>
    Rewrite,

    /// <summary>try_files fell back to a URI: an internal redirect.</summary>
    TryFiles,

    /// <summary>index: the URI of a directory plus an index file that exists, an internal redirect.</summary>
    Index,

    /// <summary>try_files or error_page naming a location (@name).</summary>
    NamedLocation,
}

/// <summary>One internal redirect: from which URI to which (or to a named location), the directive, and why.</summary>
public sealed record RouteHop(HopKind Kind, string From, string To, Directive Because, string How)
{
    /// <summary>How many location steps the route had taken when this hop was made (where it stands among them).</summary>
    public int AfterStep { get; init; }

    /// <summary>"index index.php: / -> /index.php".</summary>
    public override string ToString() => $"{Because.Name} {string.Join(' ', Because.Args.Select(a => a.Raw))}: {From} -> {To}";
}

/// <summary>nginx's own answer: a status (try_files =404, an internal location, a redirection cycle) or a file it serves (the URI, under the root).</summary>
public sealed record RouteAnswer(int? Status, string? File);

/// <summary>Where a request ends after nginx's internal redirects, every location search and hop on the way.</summary>
public sealed record FollowedRoute(
    LocationHead? Location,
    IReadOnlyList<LocationStep> Steps,
    IReadOnlyDictionary<string, string> Captures,
    IReadOnlyList<RouteHop> Hops,
    string Uri,
    string Query,
    IReadOnlyList<string> Notes)
{
    /// <summary>What nginx answers itself when the route ends at no pass or return: a status, or a file from disk.</summary>
    public RouteAnswer? Answer { get; init; }

    /// <summary>The final location hands the request to an upstream (directly or inside an if).</summary>
    public bool ReachesPass => Location is { } l && InternalRouter.Passes(l.Directive);
}

/// <summary>
/// nginx's internal routing of one request inside a server, statically: the server's rewrites, the location search,
/// the location's rewrites (last: search again; break: stay; redirect/permanent: back to the client), then its content:
/// a pass or return ends it; try_files tries its files and falls back to a URI (an internal redirect), a named location
/// or a status; a directory URI goes to its index files. `internal` locations are not reached from outside. At most
/// ten internal redirects, as nginx (then a 500). Files are looked at only through <see cref="IDocumentFiles"/>; where
/// they cannot be, the first branch in nginx's order that hands the request upstream is taken, and a note says so.
/// </summary>
public static class InternalRouter
{
    public const int MaxRedirects = 10;

    /// <param name="redirected">The URI comes from nginx itself (error_page): internal locations are reached, and the server's rewrites do not run again.</param>
    public static FollowedRoute Follow(IReadOnlyList<Directive> server, IReadOnlyList<Directive> http, string uri, string? query, IDocumentFiles? files = null, bool redirected = false)
    {
        var ctx = new RouteContext(server, http, files);
        var start = new Trail(uri, query ?? "", [], [], [], Empty);
        if (redirected)
        {
            return Search(ctx, start, 1);
        }

        var rewritten = Rewrites.Apply(server, start, null, "server-level");
        return rewritten.Stop is { } stopped ? stopped.Done(null) : Search(ctx, rewritten.Trail, 0);
    }

    internal static bool Passes(Directive location) => (location.Block ?? []).Any(d =>
        RequestRouter.Passes.Contains(d.Name) || (d.Name == "if" && (d.Block ?? []).Any(x => RequestRouter.Passes.Contains(x.Name))));

    private static bool Ends(Directive location) => Passes(location) || (location.Block ?? []).Any(d => d.Name == "return");

    internal static FollowedRoute Search(RouteContext ctx, Trail trail, int redirects)
    {
        if (redirects > MaxRedirects)
        {
            return trail.Note($"rewrite or internal redirection cycle: more than {MaxRedirects} internal redirects, nginx answers 500").Done(null, new RouteAnswer(500, null));
        }

        var found = LocationMatcher.Find(ctx.Server, trail.Uri);
        trail = trail with { Steps = [.. trail.Steps, .. found.Steps], Captures = found.Captures };
        if (found.Location is not { } location)
        {
            return trail.Note($"no location matches {trail.Uri}: nginx serves it from the server's root (404 when there is no such file)").Done(null, new RouteAnswer(null, trail.Uri));
        }

        if (redirects == 0 && (location.Directive.Block ?? []).Any(d => d.Name == "internal"))
        {
            return trail.Note($"location {location} is internal: a client's request for {trail.Uri} gets 404; only nginx's own redirects reach it").Done(location, new RouteAnswer(404, null));
        }

        return InLocation(ctx, trail, location, redirects);
    }

    internal static FollowedRoute InLocation(RouteContext ctx, Trail trail, LocationHead location, int redirects)
    {
        var rewritten = Rewrites.Apply(location.Directive.Block ?? [], trail, location, $"location {location}");
        if (rewritten.Stop is { } stopped)
        {
            return stopped.Done(location);
        }

        if (rewritten.Again)
        {
            return Search(ctx, rewritten.Trail, redirects + 1);
        }

        trail = rewritten.Trail;
        if (Ends(location.Directive))
        {
            return trail.Done(location);
        }

        return Content.Of(ctx, trail, location, redirects);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>The server a route runs in, its http{} block (for inherited root and index), and what can be known of files.</summary>
internal sealed record RouteContext(IReadOnlyList<Directive> Server, IReadOnlyList<Directive> Http, IDocumentFiles? Files)
{
    /// <summary>How many more uncertain branches may be tried before nginx's first choice is taken unseen.</summary>
    public int Budget { get; set; } = 64;
}

/// <summary>A route so far: the URI and arguments now, the steps and hops taken, what was assumed.</summary>
internal sealed record Trail(string Uri, string Query, LocationStep[] Steps, RouteHop[] Hops, string[] Notes, IReadOnlyDictionary<string, string> Captures)
{
    public Trail Note(string note) => this with { Notes = [.. Notes, note] };

    public Trail Hop(HopKind kind, string to, Directive because, string how)
    {
        var (path, query) = SplitQuery(to, Query);
        return this with { Uri = UriNormalizer.Normalize(path), Query = query, Hops = [.. Hops, new RouteHop(kind, Uri, path, because, how) { AfterStep = Steps.Length }] };
    }

    public FollowedRoute Done(LocationHead? location, RouteAnswer? answer = null) => new(location, Steps, Captures, Hops, Uri, Query, Notes) { Answer = answer };

    /// <summary>"/index.php?a=1" → ("/index.php", "a=1"); without "?" the arguments stay.</summary>
    public static (string Path, string Query) SplitQuery(string uri, string query)
    {
        var q = uri.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (uri, query) : (uri[..q], uri[(q + 1)..]);
    }
}
