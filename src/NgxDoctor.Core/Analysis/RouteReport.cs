using NgxDoctor.Config.Routing;
using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Core.Analysis;

/// <summary>A step of a route, for people and JSON: what matched (file:line) and by which rule.</summary>
public sealed record RouteStep(string What, string Source, string How);

/// <summary>Where a route ends: the directive (file:line), how it is reached, and the upstream addresses behind it.</summary>
public sealed record RouteEndpoint(string Directive, string Source, string How, IReadOnlyList<string> Upstreams);

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
    /// <summary>Every upstream address (and group name) the request can reach.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<string> Upstreams => Ends.SelectMany(e => e.Upstreams).ToHashSet(StringComparer.Ordinal);

    public static RouteReport From(string url, RouteResult route, UpstreamInventory inventory)
    {
        RouteStep? server = route.Server is { } s
            ? new RouteStep($"server {(s.Name ?? string.Join(' ', (s.Server.Block ?? []).Where(d => d.Name == "server_name").SelectMany(d => d.Args.Select(a => a.Value))))}".TrimEnd(), s.Server.Pos.ToString(), s.How)
            : null;
        var locations = route.Steps.Select(st => new RouteStep($"location {st.Location}", st.Location.Directive.Pos.ToString(), st.How)).ToList();
        var ends = route.Ends.Select(e => new RouteEndpoint(e.Directive.ToEvidenceText(), e.Directive.Pos.ToString(), e.How, TargetsAt(inventory, e.Directive))).ToList();
        return new RouteReport(url, route.Request.Host, route.Request.Path, server, locations, route.Captures, ends, route.Notes);
    }

    /// <summary>The inventory's addresses behind a pass directive (its group's servers, or its own address; the host a variable names).</summary>
    private static List<string> TargetsAt(UpstreamInventory inventory, Config.Directive directive) =>
        inventory.Targets.Where(t => t.Sites.Any(site => site.Pos == directive.Pos))
            .SelectMany(t => t.Group is { } g ? new[] { t.Address.Text, g } : [t.Address.Text])
            .Concat(VariableHosts.Find(inventory).Where(v => v.Site.Pos == directive.Pos).Select(v => v.Host))
            .Distinct().ToList();
}
