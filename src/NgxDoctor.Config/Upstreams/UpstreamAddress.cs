namespace NgxDoctor.Config.Upstreams;

public enum UpstreamAddressKind
{
    /// <summary>An IP literal and port.</summary>
    Ip,

    /// <summary>A hostname and port, resolved by nginx at start-up (or by its resolver).</summary>
    Hostname,

    /// <summary>A unix domain socket path.</summary>
    Unix,

    /// <summary>The name of an upstream{} group.</summary>
    Group,

    /// <summary>Built from variables at request time; needs a resolver for hostnames.</summary>
    Variable,
}

/// <summary>An address as nginx names it in logs: "127.0.0.1:3000", "[::1]:5000", "unix:/run/php.sock", "app.internal:8080".</summary>
public sealed record UpstreamAddress(UpstreamAddressKind Kind, string Text, string? Host = null, int? Port = null, string? SocketPath = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLoopback => Host is "127.0.0.1" or "::1" or "localhost" || (Host?.StartsWith("127.", StringComparison.Ordinal) ?? false);

    public override string ToString() => Text;

    /// <summary>Parses "host[:port]", "[v6]:port" or "unix:/path"; <paramref name="defaultPort"/> when no port is written.</summary>
    public static UpstreamAddress Parse(string text, int? defaultPort)
    {
        if (text.Contains('$', StringComparison.Ordinal))
        {
            return new UpstreamAddress(UpstreamAddressKind.Variable, text);
        }

        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = text[5..];
            return new UpstreamAddress(UpstreamAddressKind.Unix, "unix:" + path, SocketPath: path);
        }

        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? text[1..close] : text;
            if (close > 0 && close + 1 < text.Length && text[close + 1] == ':')
            {
                portText = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[(colon + 1)..] : null;
        }

        int? port = portText is not null && int.TryParse(portText, out var p) ? p : defaultPort;
        var isIp = System.Net.IPAddress.TryParse(host, out var ip);
        var hostText = isIp && ip!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        var display = port is null ? hostText : $"{hostText}:{port}";
        return new UpstreamAddress(isIp ? UpstreamAddressKind.Ip : UpstreamAddressKind.Hostname, display, host, port);
    }
}
