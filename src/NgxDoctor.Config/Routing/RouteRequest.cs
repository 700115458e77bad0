using System.Globalization;

namespace NgxDoctor.Config.Routing;

/// <summary>
/// A request as nginx's routing sees it: the Host header (lower case, no port, no trailing dot), the port and (when
/// known) the local address the connection arrives at, and the URI path normalised as nginx does before matching.
/// </summary>
public sealed record RouteRequest(string Scheme, string Host, int Port, string? Address, string RawPath, string Path, string? Query)
{
    /// <summary>Parses "http://host[:port]/path?query"; <paramref name="address"/> is the IP the client connects to, if known.</summary>
    public static RouteRequest Parse(string url, string? address = null, string? hostHeader = null)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"not an http(s) URL: {url}");
        }

        // Uri normalises the path on its own; nginx's view starts from the raw text.
        var afterAuthority = url.IndexOf('/', url.IndexOf("//", StringComparison.Ordinal) + 2);
        var raw = afterAuthority < 0 ? "/" : url[afterAuthority..];
        var hash = raw.IndexOf('#', StringComparison.Ordinal);
        raw = hash >= 0 ? raw[..hash] : raw;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var query = q >= 0 ? raw[(q + 1)..] : null;
        var path = q >= 0 ? raw[..q] : raw;
        var host = HostName(hostHeader ?? uri.Authority);
        var ip = address ?? (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : null);
        return new RouteRequest(uri.Scheme, host, uri.Port, ip, path, UriNormalizer.Normalize(path), query);
    }

    /// <summary>"Example.COM.:8080" → "example.com"; "[::1]:80" → "[::1]".</summary>
    public static string HostName(string authority)
    {
        var host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)]
            : authority.Contains(':', StringComparison.Ordinal) ? authority[..authority.LastIndexOf(':')] : authority;
        return host.TrimEnd('.').ToLower(CultureInfo.InvariantCulture);
    }
}
