using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Core.Analysis;

/// <summary>What nginx would send to an upstream for a location: the path (the URI in proxy_pass, else the location's prefix) and the Host header.</summary>
public sealed record HttpRequestPlan(string Path, string Host)
{
    public static HttpRequestPlan For(UpstreamTarget target, PassSite site, string? healthPath = null)
    {
        var path = healthPath
            ?? (site.Uri is { Length: > 0 } uri && !uri.Contains('$', StringComparison.Ordinal) ? uri
            : site.Location is { } loc && loc.StartsWith('/') && !loc.Contains('$', StringComparison.Ordinal) ? loc
            : site.Location is { } exact && exact.StartsWith("= /", StringComparison.Ordinal) ? exact[2..]
            : "/");
        var proxyHost = target.Group ?? (target.Address.Port is { } p && p != 80 && p != 443 ? $"{target.Address.Host}:{p}" : target.Address.Host ?? "localhost");
        var host = site.HostHeader switch
        {
            "$proxy_host" => proxyHost,
            "$host" or "$http_host" or "$server_name" => site.ServerNames.FirstOrDefault(n => n != "_" && !n.StartsWith('~')) ?? "localhost",
            var h when h.Contains('$', StringComparison.Ordinal) => proxyHost,
            var h => h,
        };
        return new HttpRequestPlan(path, host);
    }
}
