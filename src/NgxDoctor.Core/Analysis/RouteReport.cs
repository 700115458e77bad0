using NgxDoctor.Config.Routing;
using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Core.Analysis;

/// <summary>A step of a route, for people and JSON: what matched (file:line) and by which rule.</summary>
public sealed record RouteStep(string What, string Source, string How);

/// <summary>Where a route ends: the directive (file:line), how it is reached, and the upstream addresses behind it.</summary>
public sealed record RouteEndpoint(string Directive, string Source, string How, IReadOnlyList<string> Upstreams);

/// <summary>One internal redirect: kind (rewrite, tryfiles, index, namedlocation), the URI before and after, the directive's file:line, why.</summary>
public sealed record RouteHopReport(string Kind, string From, string To, string Source, string How);

/// <summary>The route of one URL through the configuration: server, locations, ends, and what could not be decided statically.</summary>
public sealed record RouteReport(
    string Url,
    string Host,
    string Path,
    RouteStep? Server,
    IReadOnlyList<RouteStep> Locations,
    IReadOnlyDictionary<string, string> Captures,
    IReadOnlyList<RouteEndpoint> Ends,
    IReadOnlyList<string> Notes)
{
    /// <summary>nginx's internal redirects on the way (rewrite, try_files, index, named location), also among Locations in order.</summary>
    public IReadOnlyList<RouteHopReport> Hops { get; init; } = [];

    /// <summary>Every upstream address (and group name) the request can reach.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<string> Upstreams => Ends.SelectMany(e => e.Upstreams).ToHashSet(StringComparer.Ordinal);

    public static RouteReport From(string url, RouteResult route, UpstreamInventory inventory)
    {
        RouteStep? server = route.Server is { } s
            ? new RouteStep($"server {(s.Name ?? string.Join(' ', (s.Server.Block ?? []).Where(d => d.Name == "server_name").SelectMany(d => d.Args.Select(a => a.Value))))}".TrimEnd(), s.Server.Pos.ToString(), s.How)
            : null;
        var locations = new List<RouteStep>();
        for (var i = 0; i <= route.Steps.Count; i++)
        {
            locations.AddRange(route.Hops.Where(h => h.AfterStep == i).Select(h => new RouteStep(h.ToString(), h.Because.Pos.ToString(), h.How)));
            if (i < route.Steps.Count)
            {
                var st = route.Steps[i];
                locations.Add(new RouteStep($"location {st.Location}", st.Location.Directive.Pos.ToString(), st.How));
            }
        }

        var ends = route.Ends.Select(e => new RouteEndpoint(e.Directive.ToEvidenceText(), e.Directive.Pos.ToString(), e.How, TargetsAt(inventory, e.Directive))).ToList();
        return new RouteReport(url, route.Request.Host, route.Request.Path, server, locations, route.Captures, ends, route.Notes)
        {
            Hops = route.Hops.Select(h => new RouteHopReport(Kind(h.Kind), h.From, h.To, h.Because.Pos.ToString(), h.How)).ToList(),
        };
    }

    private static string Kind(HopKind kind) => kind switch
    {
        HopKind.Rewrite => "rewrite",
        HopKind.TryFiles => "try_files",
        HopKind.Index => "index",
        _ => "named_location",
    };

    /// <summary>The inventory's addresses behind a pass directive (its group's servers, or its own address; the host a variable names).</summary>
    private static List<string> TargetsAt(UpstreamInventory inventory, Config.Directive directive) =>
        inventory.Targets.Where(t => t.Sites.Any(site => site.Pos == directive.Pos))
            .SelectMany(t => t.Group is { } g ? new[] { t.Address.Text, g } : [t.Address.Text])
            .Concat(VariableHosts.Find(inventory).Where(v => v.Site.Pos == directive.Pos).Select(v => v.Host))
            .Distinct().ToList();
}
