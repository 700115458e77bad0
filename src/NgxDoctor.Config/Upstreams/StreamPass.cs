namespace NgxDoctor.Config.Upstreams;

/// <summary>
/// stream{}'s proxy_pass: a TCP or UDP connection handed to an address or a stream upstream group, as nginx's
/// ngx_stream_proxy_module connects (protocol "tcp", or "udp" when the server listens with the udp parameter).
/// </summary>
public static class StreamPass
{
    public const string Tcp = "tcp";
    public const string Udp = "udp";

    /// <summary>The pass as the inventory treats it: no scheme, no default port (nginx requires one).</summary>
    public static readonly PassDirective Directive = new("proxy_pass", "stream", null, []);

    private static readonly (string Name, string Default)[] Settings =
    [
        ("proxy_connect_timeout", "60s"),
        ("proxy_timeout", "10m"),
        ("proxy_next_upstream", "on"),
        ("proxy_next_upstream_tries", "0"),
    ];

    public static bool InStream(IReadOnlyList<Directive> ancestors) =>
        ancestors.Count >= 2 && ancestors[0].Name == "stream" && ancestors[^1].Name == "server";

    public static bool IsStream(PassSite site) => site.Protocol is Tcp or Udp;

    public static PassSite Site(Directive d, IReadOnlyList<Directive> ancestors, SettingsIndex index)
    {
        var server = ancestors[^1];
        var listens = server.Block?.Where(x => x.Name == "listen").ToList() ?? [];
        var udp = listens.Count > 0 && listens.All(l => l.Args.Skip(1).Any(a => a.Value == "udp"));
        var names = server.Block?.Where(x => x.Name == "server_name").SelectMany(x => x.Args.Select(a => a.Value)).ToList() ?? [];
        return new PassSite(
            d.Name,
            d.Arg(0),
            udp ? Udp : Tcp,
            null,
            d.Pos,
            d.ToEvidenceText(),
            names,
            listens.Select(l => string.Join(' ', l.Args.Select(a => a.Value))).ToList(),
            server.Pos,
            null,
            null,
            Settings.Select(s => index.Find(s.Name, ancestors) ?? new EffectiveSetting(s.Name, s.Default, null)).ToList(),
            index.Find("resolver", ancestors))
        {
            ResolverTimeout = index.Find("resolver_timeout", ancestors),
            ExpandedArgument = d.Arg(0),
        };
    }
}
