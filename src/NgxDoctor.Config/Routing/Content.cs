namespace NgxDoctor.Config.Routing;

/// <summary>What a docroot holds, where it can be looked at; null: cannot be told (a bundle from another box).</summary>
public interface IDocumentFiles
{
    bool? IsFile(string path);

    bool? IsDirectory(string path);
}

/// <summary>The files of a configuration source: the host's disk, or a container's root.</summary>
public sealed class SourceDocumentFiles(IConfigSource source) : IDocumentFiles
{
    public bool? IsFile(string path) => source.Exists(path) && !source.IsDirectory(path);

    public bool? IsDirectory(string path) => source.IsDirectory(path);
}

/// <summary>
/// The content phase of a location with no pass and no return: try_files (its files in order, then its fallback) and
/// index (a directory URI plus the first index file that exists), each an internal redirect, or a static file.
/// </summary>
internal static class Content
{
    private sealed record Option(Func<FollowedRoute> Run, string? Assumed);

    public static FollowedRoute Of(RouteContext ctx, Trail trail, LocationHead location, int redirects)
    {
        var block = location.Directive.Block ?? [];
        if (block.LastOrDefault(d => d.Name == "try_files" && d.Args.Count >= 2) is { } tryFiles)
        {
            return TryFiles(ctx, trail, location, tryFiles, redirects);
        }

        return trail.Uri.EndsWith('/') ? Index(ctx, trail, location, redirects) : Static(trail, location, trail.Uri);
    }

    private static FollowedRoute TryFiles(RouteContext ctx, Trail trail, LocationHead location, Directive d, int redirects)
    {
        var options = new List<Option>();
        foreach (var arg in d.Args.Take(d.Args.Count - 1))
        {
            // ngx_http_try_files_module: an entry written with a trailing "/" tests for a directory, any other for a
            // file; a directory found leaves the URI as it was, a file becomes the URI.
            if (Expand(arg.Value, trail) is not { } entry)
            {
                continue;
            }

            var dir = arg.Value.EndsWith('/');
            var path = DocPath(ctx, location, entry);
            var exists = path is null ? null : dir ? ctx.Files?.IsDirectory(path) : ctx.Files?.IsFile(path);
            if (exists == false)
            {
                continue;
            }

            Option option = dir
                ? new(() => trail.Uri.EndsWith('/') ? Index(ctx, trail, location, redirects) : Static(trail, location, trail.Uri), $"{path ?? entry} is a directory")
                : new(() => Static(trail with { Uri = entry }, location, entry), $"{path ?? entry} exists");
            if (exists == true)
            {
                return option.Run();
            }

            options.Add(option);
        }

        options.Add(new(() => Fallback(ctx, trail, location, d, redirects), options.Count > 0 ? $"none of the files of {d.Pos} `{d.ToEvidenceText()}` exist" : null));
        return Choose(ctx, trail, options);
    }

    private static FollowedRoute Fallback(RouteContext ctx, Trail trail, LocationHead location, Directive d, int redirects)
    {
        var last = d.Args[^1].Value;
        if (last.StartsWith('='))
        {
            return trail.Note($"{d.Pos}: try_files answers {last[1..]} when none of its files exist").Done(location,
                new RouteAnswer(int.TryParse(last[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null, null));
        }

        if (last.StartsWith('@'))
        {
            return Named(ctx, trail, last, d, "try_files: none of the files exist", redirects);
        }

        return Expand(last, trail) is { } to
            ? InternalRouter.Search(ctx, trail.Hop(HopKind.TryFiles, to, d, "try_files: none of the files exist, internal redirect"), redirects + 1)
            : trail.Note($"{d.Pos}: the fallback of try_files is built from variables not known here").Done(location);
    }

    internal static FollowedRoute Named(RouteContext ctx, Trail trail, string name, Directive because, string how, int redirects)
    {
        var named = ctx.Server.FirstOrDefault(x => x.Name == "location" && x.Arg(0) == name);
        if (named is null)
        {
            return trail.Note($"{because.Pos}: {because.Name} names {name}, which this server does not define").Done(null);
        }

        var head = LocationHead.Of(named);
        var hop = new RouteHop(HopKind.NamedLocation, trail.Uri, name, because, how) { AfterStep = trail.Steps.Length };
        trail = trail with { Hops = [.. trail.Hops, hop], Steps = [.. trail.Steps, new LocationStep(head, $"named location, via {because.Name} at {because.Pos}")] };
        return InternalRouter.InLocation(ctx, trail, head, redirects + 1);
    }

    private static FollowedRoute Index(RouteContext ctx, Trail trail, LocationHead location, int redirects)
    {
        if (DocPath(ctx, location, trail.Uri) is { } directory && ctx.Files?.IsDirectory(directory) == false)
        {
            return trail.Note($"{directory} is not a directory: nginx answers 404").Done(location, new RouteAnswer(404, null));
        }

        var index = Inherited(ctx, location, "index");
        var names = index?.Args.Select(a => a.Value).ToList() ?? ["index.html"];
        var options = new List<Option>();
        foreach (var name in names)
        {
            var candidate = name.StartsWith('/') ? name : trail.Uri + name;
            var path = name.Contains('$', StringComparison.Ordinal) ? null : DocPath(ctx, location, candidate);
            var exists = path is null ? null : ctx.Files?.IsFile(path);
            if (exists == false)
            {
                continue;
            }

            var because = index ?? location.Directive;
            Option option = new(() => InternalRouter.Search(ctx, trail.Hop(HopKind.Index, candidate, because, $"index: {candidate} exists, internal redirect"), redirects + 1), $"{path ?? candidate} exists");
            if (exists == true)
            {
                return option.Run();
            }

            options.Add(option);
        }

        var listing = Inherited(ctx, location, "autoindex")?.Arg(0) == "on";
        options.Add(new(() => trail.Note($"no index file of {trail.Uri} exists: nginx {(listing ? "lists the directory (autoindex)" : "answers 403")}").Done(location,
            listing ? new RouteAnswer(null, trail.Uri) : new RouteAnswer(403, null)), null));
        return Choose(ctx, trail, options);
    }

    private static FollowedRoute Static(Trail trail, LocationHead location, string uri) =>
        trail.Note($"{uri} is served from disk by location {location} (no upstream)").Done(location, new RouteAnswer(null, uri));

    /// <summary>The first branch in nginx's order that reaches an upstream (else the first), saying what it assumed.</summary>
    private static FollowedRoute Choose(RouteContext ctx, Trail trail, List<Option> options)
    {
        if (options.Count == 1)
        {
            return options[0].Run();
        }

        // Branches are tried lazily and within a budget: a static site whose fallbacks lead back to itself would
        // otherwise branch at every one of its ten redirects.
        (Option, FollowedRoute)? first = null;
        (Option Option, FollowedRoute Route)? reaching = null;
        foreach (var option in options)
        {
            var run = (option, option.Run());
            first ??= run;
            if (run.Item2.ReachesPass || --ctx.Budget <= 0)
            {
                reaching = run.Item2.ReachesPass ? run : null;
                break;
            }
        }

        var (chosen, route) = reaching ?? first!.Value;
        return chosen.Assumed is { } assumed
            ? route with { Notes = [.. route.Notes.Take(trail.Notes.Length), $"assumed: {assumed} (the files are not looked at here)", .. route.Notes.Skip(trail.Notes.Length)] }
            : route;
    }

    /// <summary>try_files' $uri, $args and captures; null for another variable.</summary>
    private static string? Expand(string value, Trail trail) => value
        .Replace("$uri", trail.Uri, StringComparison.Ordinal).Replace("$document_uri", trail.Uri, StringComparison.Ordinal)
        .Replace("$query_string", trail.Query, StringComparison.Ordinal).Replace("$args", trail.Query, StringComparison.Ordinal) is var s && s.Contains('$', StringComparison.Ordinal) ? null : s;

    /// <summary>The file a URI names: root + URI, or alias + the rest after the location's prefix; null when it cannot be told.</summary>
    private static string? DocPath(RouteContext ctx, LocationHead location, string uri)
    {
        var (path, _) = Trail.SplitQuery(uri, "");
        var d = Inherited(ctx, location, "root", "alias");
        if (d is { Name: "alias" })
        {
            return location.Modifier is "" or "^~" && path.StartsWith(location.Pattern, StringComparison.Ordinal) && !d.Arg(0).Contains('$', StringComparison.Ordinal)
                ? d.Arg(0) + path[location.Pattern.Length..] : null;
        }

        var root = d?.Arg(0) ?? "html";
        return root.StartsWith('/') && !root.Contains('$', StringComparison.Ordinal) ? root.TrimEnd('/') + path : null;
    }

    private static Directive? Inherited(RouteContext ctx, LocationHead location, params string[] names) =>
        new[] { location.Directive.Block ?? [], ctx.Server, ctx.Http }.Select(b => b.LastOrDefault(x => names.Contains(x.Name) && x.Args.Count > 0)).FirstOrDefault(x => x is not null);
}
