using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Core.Analysis;

/// <summary>How nginx does TLS to an https:// upstream: the SNI it sends (if any), the name it verifies, whether and against what.</summary>
public sealed record TlsPlan(string? ServerName, string VerifyName, bool Verify, string? TrustedCertificate, SourcePos? VerifyPos)
{
    /// <summary>proxy_ssl_protocols as written ("TLSv1.2"); null for nginx's default.</summary>
    public EffectiveSetting? Protocols { get; init; }

    /// <summary>proxy_ssl_ciphers as written (an OpenSSL cipher string); null for nginx's default.</summary>
    public EffectiveSetting? Ciphers { get; init; }

    /// <summary>Whether nginx presents a client certificate (proxy_ssl_certificate is set).</summary>
    public bool ClientCertificate { get; init; }
}

/// <summary>What nginx would send to an upstream for a location: the path (the URI in proxy_pass, else the location's prefix) and the Host header.</summary>
public sealed record HttpRequestPlan(string Path, string Host)
{
    /// <summary>Set for https:// upstreams.</summary>
    public TlsPlan? Tls { get; init; }

    public static HttpRequestPlan For(UpstreamTarget target, PassSite site, string? healthPath = null)
    {
        var path = healthPath
            ?? (site.Uri is { Length: > 0 } uri && !uri.Contains('$', StringComparison.Ordinal) ? uri
            : site.Location is { } loc && loc.StartsWith('/') && !loc.Contains('$', StringComparison.Ordinal) ? loc
            : site.Location is { } exact && exact.StartsWith("= /", StringComparison.Ordinal) ? exact[2..]
            : "/");
        var proxyHost = target.Group ?? (target.Address.Port is { } p && p != 80 && p != 443 ? $"{target.Address.Host}:{p}" : target.Address.Host ?? "localhost");
        var serverName = site.ServerNames.FirstOrDefault(n => n != "_" && !n.StartsWith('~')) ?? "localhost";
        string Expand(string value) => value switch
        {
            "$proxy_host" => proxyHost,
            "$host" or "$http_host" or "$server_name" => serverName,
            var h when h.Contains('$', StringComparison.Ordinal) => proxyHost,
            var h => h,
        };
        var host = Expand(site.HostHeader);
        return new HttpRequestPlan(path, host) { Tls = target.Protocol is "https" or "grpcs" or "suwsgi" ? TlsFor(site, Expand) : null };
    }

    private static TlsPlan TlsFor(PassSite site, Func<string, string> expand)
    {
        var name = site.Setting("_ssl_name") is { Value.Length: > 0 } n ? expand(n.Value) : expand("$proxy_host");
        name = StripPort(name);
        var verify = site.Setting("_ssl_verify");
        var sni = site.Setting("_ssl_server_name")?.Value == "on" ? name : null;
        var trusted = site.Setting("_ssl_trusted_certificate") is { Value.Length: > 0 } t ? t.Value : null;
        return new TlsPlan(sni, name, verify?.Value == "on", trusted, verify?.Pos)
        {
            Protocols = site.Setting("_ssl_protocols") is { Value.Length: > 0 } p ? p : null,
            ClientCertificate = site.Setting("_ssl_certificate") is { Value.Length: > 0 },
            Ciphers = site.Setting("_ssl_ciphers") is { Value.Length: > 0 } c ? c : null,
        };
    }

    private static string StripPort(string name)
    {
        var colon = name.LastIndexOf(':');
        return colon > 0 && !name.EndsWith(']') && name.IndexOf(':') == colon ? name[..colon] : name;
    }
}
