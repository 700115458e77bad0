namespace NgxDoctor.Config.Upstreams;

/// <summary>The directives that hand a request to an upstream, and the module settings each one reads.</summary>
public sealed record PassDirective(string Name, string Module, int? DefaultPort, IReadOnlyList<string> Schemes)
{
    public static readonly IReadOnlyList<PassDirective> All =
    [
        new("proxy_pass", "proxy", 80, ["http://", "https://"]),
        new("fastcgi_pass", "fastcgi", null, []),
        new("uwsgi_pass", "uwsgi", null, ["uwsgi://", "suwsgi://"]),
        new("scgi_pass", "scgi", null, []),
        new("grpc_pass", "grpc", null, ["grpc://", "grpcs://"]),
        new("memcached_pass", "memcached", null, []),
    ];

    public static PassDirective? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>Splits a pass argument into protocol and the address part (without a proxy URI).</summary>
    public (string Protocol, string Address, string? Uri) Split(string arg)
    {
        var protocol = Module == "proxy" ? "http" : Module;
        var rest = arg;
        foreach (var scheme in Schemes)
        {
            if (arg.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                protocol = scheme[..^3].ToLowerInvariant();
                rest = arg[scheme.Length..];
                break;
            }
        }

        if (Module != "proxy")
        {
            return (protocol, rest, null);
        }

        if (rest.StartsWith("unix:", StringComparison.Ordinal))
        {
            // proxy_pass http://unix:/path/to.sock:/uri
            var sep = rest.IndexOf(':', 5);
            return sep < 0 ? (protocol, rest, null) : (protocol, rest[..sep], rest[(sep + 1)..]);
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (protocol, rest, null) : (protocol, rest[..slash], rest[slash..]);
    }

    public int? PortFor(string protocol) => protocol switch
    {
        "http" => 80,
        "https" => 443,
        _ => DefaultPort,
    };
}
