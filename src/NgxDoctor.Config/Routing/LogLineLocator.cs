namespace NgxDoctor.Config.Routing;

/// <summary>
/// Names the location that served an access-log line: the servers that write to the log (its own `access_log` in
/// the server, or one inherited from http{}), the one whose server_name matches the logged host (when the format
/// logs $host; else the only such server), then nginx's location search on the path. Null when it cannot be told.
/// </summary>
public sealed class LogLineLocator
{
    private const int CacheLimit = 10_000;
    private readonly IReadOnlyList<Directive> _servers;
    private readonly IReadOnlyList<Directive> _http;
    private readonly IDocumentFiles? _files;
    private readonly Dictionary<(string, string?), (string? Label, string? Pass)> _cache = [];

    public LogLineLocator(NginxConfig config, string logPath, IDocumentFiles? files = null)
    {
        var http = config.Walk().Where(x => x.Directive.Name == "server" && x.Ancestors.Count > 0 && x.Ancestors[^1].Name == "http").ToList();
        _http = http.Count > 0 ? http[0].Ancestors[^1].Block ?? [] : [];
        _files = files;
        var inHttp = http.Count > 0 && _http.Any(d => Logs(d, logPath));
        _servers = http.Select(x => x.Directive)
            .Where(s => (s.Block ?? []).Any(d => Logs(d, logPath)) || (inHttp && !(s.Block ?? []).Any(d => d.Name == "access_log")))
            .ToList();
    }

    /// <summary>How many servers write to this log.</summary>
    public int Servers => _servers.Count;

    /// <summary>"example.com location /api/ (nginx.conf:12)", "example.com (no location)", or null.</summary>
    public string? Locate(string path, string? host) => Find(path, host).Label;

    /// <summary>The upstream the location passes to, as nginx logs it ("127.0.0.1:3000", "unix:/run/php.sock", a group's name); null when none or built from variables.</summary>
    public string? Pass(string path, string? host) => Find(path, host).Pass;

    private (string? Label, string? Pass) Find(string path, string? host)
    {
        var key = (path, host);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var result = Compute(path, host);
        if (_cache.Count < CacheLimit)
        {
            _cache[key] = result;
        }

        return result;
    }

    private (string?, string?) Compute(string target, string? host)
    {
        Directive? server = _servers.Count == 1 ? _servers[0]
            : _servers.Count > 1 && host is not null ? ServerSelector.ByName(_servers, RouteRequest.HostName(host), null).Server
            : null;
        if (server is null)
        {
            return (null, null);
        }

        var name = (server.Block ?? []).Where(d => d.Name == "server_name").SelectMany(d => d.Args.Select(a => a.Value)).FirstOrDefault(n => n is not ("_" or "")) ?? $"server at {server.Pos}";
        var (path, query) = Trail.SplitQuery(target, "");
        var route = InternalRouter.Follow(server.Block ?? [], _http, UriNormalizer.Normalize(path), query, _files);
        var via = route.Hops.Count > 0 ? $" after {string.Join(", ", route.Hops.Select(h => $"{h.Because.Name} {h.From} -> {h.To}"))}" : "";
        return route.Location is { } l ? ($"{name} location {l} ({l.Directive.Pos}){via}", PassOf(l.Directive)) : ($"{name} (no location)", null);
    }

    /// <summary>"proxy_pass http://127.0.0.1:3000/x;" → "127.0.0.1:3000"; "fastcgi_pass unix:/run/php.sock;" → "unix:/run/php.sock".</summary>
    private static string? PassOf(Directive location)
    {
        var pass = (location.Block ?? []).FirstOrDefault(d => d.Name.EndsWith("_pass", StringComparison.Ordinal) && d.Args.Count > 0)?.Arg(0);
        if (pass is null || pass.Contains('$', StringComparison.Ordinal))
        {
            return null;
        }

        var scheme = pass.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? pass[(scheme + 3)..] : pass;
        if (rest.StartsWith("unix:", StringComparison.Ordinal))
        {
            var colon = rest.IndexOf(':', 5);
            return colon < 0 ? rest : rest[..colon];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? rest : rest[..slash];
    }

    private static bool Logs(Directive d, string path) => d.Name == "access_log" && d.Args.Count > 0 && (d.Arg(0) == path || path.EndsWith("/" + d.Arg(0).TrimStart('.', '/'), StringComparison.Ordinal));
}
