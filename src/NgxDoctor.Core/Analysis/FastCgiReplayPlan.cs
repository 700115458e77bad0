using System.Globalization;
using System.Text.RegularExpressions;
using NgxDoctor.Config;
using NgxDoctor.Config.Routing;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Analysis;

/// <summary>The FastCGI request nginx builds for a logged request: the location it routes to, and that location's fastcgi_param values with nginx's variables put in.</summary>
public sealed record FastCgiReplay(string Target, string Request, SourcePos Location, IReadOnlyList<KeyValuePair<string, string>> Params)
{
    /// <summary>Variables whose value only the client's request had ($http_cookie...): sent empty.</summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];

    public string? Param(string name) => Params.Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();
}

/// <summary>
/// Builds a <see cref="FastCgiReplay"/> from a logged request: only a GET or HEAD, routed as nginx would (the
/// server, then the location search) to a location of this fastcgi_pass; the fastcgi_param of the innermost block
/// that has any (nginx inherits them only into blocks with none), $document_root from root, $fastcgi_script_name
/// after fastcgi_split_path_info and fastcgi_index. A location with alias is not replayed.
/// </summary>
public static partial class FastCgiReplayPlan
{
    public static FastCgiReplay? For(NginxConfig config, UpstreamTarget target, LoggedRequest logged, string? prefix, out string why, Func<string, string>? realPath = null)
    {
        if (!logged.IsSafeMethod)
        {
            why = $"the logged {logged.Method} is not sent again: not a safe method";
            return null;
        }

        var raw = logged.Target.StartsWith('/') ? logged.Target
            : Uri.TryCreate(logged.Target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.PathAndQuery : null;
        if (raw is null)
        {
            why = "the logged request target is not a path";
            return null;
        }

        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = q >= 0 ? (raw[..q], raw[(q + 1)..]) : (raw, "");
        var uri = UriNormalizer.Normalize(path);
        var walk = config.Walk().ToList();
        var routed = target.Sites.Where(s => s.Directive == "fastcgi_pass").Select(s => (Site: s, Match: Route(walk, s, uri, query)))
            .Where(x => x.Match is not null).OrderByDescending(x => logged.Host is { } h && x.Site.ServerNames.Contains(RouteRequest.HostName(h))).FirstOrDefault();
        if (routed.Site is not { } site || walk.FirstOrDefault(x => x.Directive.Pos == site.Pos).Ancestors is not { } ancestors)
        {
            why = $"{uri} does not reach a location that passes to {target.Address.Text}";
            return null;
        }

        if (Innermost(ancestors, "root", "alias") is { Name: "alias" } alias)
        {
            why = $"the location uses alias ({alias.Pos}): its script path is not rebuilt";
            return null;
        }

        (uri, query) = (routed.Match!.Uri, routed.Match.Query);
        var vars = Variables(ancestors, site, logged, raw, uri, query, routed.Match.Captures);
        var root = Innermost(ancestors, "root", "alias")?.Arg(0) ?? "html";
        root = Expand(root, vars, []);
        if (!root.StartsWith('/'))
        {
            if (prefix is null)
            {
                why = $"root {root} is relative and nginx's prefix is not known";
                return null;
            }

            root = Path.Combine(prefix, root);
        }

        vars["document_root"] = root;
        vars["realpath_root"] = realPath?.Invoke(root) ?? root;
        var unknown = new List<string>();
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var p in ancestors.Reverse().Select(a => (a.Block ?? []).Where(d => d.Name == "fastcgi_param" && d.Args.Count >= 2).ToList()).FirstOrDefault(l => l.Count > 0) ?? [])
        {
            var value = Expand(p.Arg(1), vars, unknown);
            if (value.Length > 0 || p.Arg(2) != "if_not_empty")
            {
                pairs.Add(new(p.Arg(0), value));
            }
        }

        why = "";
        return new FastCgiReplay(target.Address.Text, $"{logged.Method} {raw}", site.LocationPos ?? site.Pos, pairs) { Unknown = unknown.Distinct().ToList() };
    }

    /// <summary>The route nginx takes (internal redirects included: index, try_files, rewrite) when it ends at the site's location.</summary>
    private static FollowedRoute? Route(List<(Directive Directive, IReadOnlyList<Directive> Ancestors)> walk, PassSite site, string uri, string query)
    {
        var (server, ancestors) = walk.FirstOrDefault(x => x.Directive.Name == "server" && x.Directive.Pos == site.ServerPos);
        var found = server is null ? null : InternalRouter.Follow(server.Block ?? [], ancestors.Count > 0 ? ancestors[^1].Block ?? [] : [], uri, query);
        return found?.Location?.Directive.Pos == site.LocationPos ? found : null;
    }

    private static Directive? Innermost(IReadOnlyList<Directive> ancestors, params string[] names) =>
        ancestors.Reverse().Select(a => (a.Block ?? []).LastOrDefault(d => names.Contains(d.Name))).FirstOrDefault(d => d is not null);

    private static Dictionary<string, string> Variables(IReadOnlyList<Directive> ancestors, PassSite site, LoggedRequest logged, string raw, string uri, string query, IReadOnlyDictionary<string, string> captures)
    {
        var (script, info) = (uri, "");
        if (Innermost(ancestors, "fastcgi_split_path_info")?.Arg(0) is { Length: > 0 } split && Pcre.Match(split, uri, false) is { Success: true, Groups.Count: >= 3 } m)
        {
            (script, info) = (m.Groups[1].Value, m.Groups[2].Value);
        }

        if (script.EndsWith('/') && Innermost(ancestors, "fastcgi_index")?.Arg(0) is { Length: > 0 } index)
        {
            script += index;
        }

        var port = site.Listens.Select(l => l.Split(' ')[0]).Select(l => l[(l.LastIndexOf(':') + 1)..]).FirstOrDefault(p => int.TryParse(p, CultureInfo.InvariantCulture, out _)) ?? "80";
        var serverName = site.ServerNames.FirstOrDefault(n => n is not ("_" or "") && !n.StartsWith('~')) ?? "";
        var vars = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["fastcgi_script_name"] = script, ["fastcgi_path_info"] = info, ["request_uri"] = raw, ["uri"] = uri, ["document_uri"] = uri,
            ["query_string"] = query, ["args"] = query, ["is_args"] = query.Length > 0 ? "?" : "", ["request_method"] = logged.Method,
            ["content_type"] = "", ["content_length"] = "", ["server_protocol"] = "HTTP/1.1", ["request_scheme"] = "http", ["https"] = "",
            ["server_name"] = serverName, ["server_port"] = port, ["server_addr"] = "127.0.0.1", ["remote_addr"] = logged.Client ?? "127.0.0.1",
            ["remote_port"] = "", ["host"] = logged.Host is { } h ? RouteRequest.HostName(h) : serverName, ["http_host"] = logged.Host ?? serverName,
            ["nginx_version"] = "",
        };
        foreach (var (name, value) in captures)
        {
            vars[name] = value;
        }

        return vars;
    }

    private static string Expand(string value, Dictionary<string, string> vars, List<string> unknown) =>
        Variable().Replace(value, m =>
        {
            var name = m.Groups["name"].Value;
            if (vars.TryGetValue(name, out var v))
            {
                return v;
            }

            unknown.Add("$" + name);
            return "";
        });

    [GeneratedRegex(@"\$(?:\{(?<name>\w+)\}|(?<name>\w+))")]
    private static partial Regex Variable();
}
