using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes;

/// <summary>What fixers share: the target and sites of a finding, directives by position, the request to replay.</summary>
public static class FixContext
{
    public static UpstreamTarget? Target(DiagnosisFacts facts, Finding f) =>
        facts.Inventory.Targets.FirstOrDefault(t => t.Address.Text == f.Upstream) ?? facts.Inventory.Targets.FirstOrDefault(t => t.Group == f.Upstream)
        ?? Resolved(facts, f.Upstream);

    /// <summary>
    /// The one named target whose name resolves now to the address nginx logged (a log names "10.0.0.5:8000" for
    /// `proxy_pass http://app:8000`); none when no name, or more than one, does.
    /// </summary>
    private static UpstreamTarget? Resolved(DiagnosisFacts facts, string? upstream)
    {
        var colon = upstream?.LastIndexOf(':') ?? -1;
        if (colon < 0 || facts.Dns is not { } dns)
        {
            return null;
        }

        var (ip, port) = (upstream![..colon].Trim('[', ']'), upstream[(colon + 1)..]);
        var named = facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Hostname && t.Address.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) == port
            && dns.Any(d => d.Server == DnsLookup.System && string.Equals(d.Name, t.Address.Host, StringComparison.OrdinalIgnoreCase) && d.Addresses.Contains(ip))).ToList();
        return named.Count == 1 ? named[0] : null;
    }

    public static Directive? At(NginxConfig config, SourcePos? pos) =>
        pos is null ? null : config.Walk().Select(x => x.Directive).FirstOrDefault(d => d.Pos == pos);

    /// <summary>"proxy" for proxy_pass, "fastcgi" for fastcgi_pass...</summary>
    public static string Module(PassSite site) => site.Directive[..site.Directive.IndexOf('_', StringComparison.Ordinal)];

    /// <summary>
    /// The request to replay once the fix is in, to the server's listen port with its name: a client chose the logged
    /// request, so only a GET or HEAD of it is replayed, as a path (an absolute-form target is cut to its path) and
    /// without its query (kept aside for --replay-query); otherwise the location's own path.
    /// </summary>
    public static VerifyRequest? Verify(Finding f, PassSite site)
    {
        var listen = site.Listens.Select(l => l.Split(' ')[0]).Select(Port).FirstOrDefault(p => p is not null) ?? (site.Listens.Count == 0 ? 80 : null);
        if (listen is not { } port)
        {
            return null;
        }

        var host = site.ServerNames.FirstOrDefault(n => n is not ("_" or "") && !n.StartsWith('~') && !n.Contains('*', StringComparison.Ordinal)) ?? "localhost";
        var fallback = site.Location is { } loc && loc.StartsWith('/') && Uri.TryCreate("http://localhost" + loc, UriKind.Absolute, out _) ? loc : "/";
        var logged = f.Evidence.Select(e => Logs.LoggedRequest.In(e.Text)).FirstOrDefault(r => r is not null);
        if (logged is null)
        {
            return new VerifyRequest(host, port, fallback) { Origin = "the location's path" };
        }

        if (!logged.IsSafeMethod)
        {
            return new VerifyRequest(host, port, fallback) { Origin = $"the location's path (the logged {logged.Method} is not replayed: not a safe method)" };
        }

        var target = logged.Target;
        if (!target.StartsWith('/'))
        {
            target = Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.PathAndQuery : "";
        }

        var q = target.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = q >= 0 ? (target[..q], target[q..]) : (target, "");
        if (!path.StartsWith('/') || !Uri.TryCreate("http://localhost" + path, UriKind.Absolute, out _))
        {
            return new VerifyRequest(host, port, fallback) { Origin = "the location's path (the logged request target is not a path)" };
        }

        return new VerifyRequest(host, port, path) { Query = query, Origin = query.Length > 0 ? "the logged request, without its query" : "the logged request" };
    }

    private static int? Port(string listen)
    {
        var text = listen.Contains(':', StringComparison.Ordinal) ? listen[(listen.LastIndexOf(':') + 1)..] : listen;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
    }

    /// <summary>A directive set in the location itself is replaced there; otherwise it is added to the location (the narrowest block).</summary>
    public static PlannedEdit? SetInLocation(NginxConfig config, PassSite site, string directive, string args, string why)
    {
        if (site.LocationPos is null)
        {
            return null;
        }

        var location = At(config, site.LocationPos);
        var own = location?.Block?.LastOrDefault(d => d.Name == directive);
        return own is not null
            ? new PlannedEdit(PlannedEdit.Set, own.Pos, directive, args, why)
            : new PlannedEdit(PlannedEdit.Insert, site.LocationPos, directive, args, why);
    }
}
