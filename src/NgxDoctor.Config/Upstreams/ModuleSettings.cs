namespace NgxDoctor.Config.Upstreams;

/// <summary>Timeouts and buffers each upstream module reads, with nginx's defaults (one memory page of the diagnosed host = 4k or 8k).</summary>
public static class ModuleSettings
{
    /// <summary>The page size nginx's buffer defaults follow when the diagnosed host's is not known.</summary>
    public const int DefaultPageSize = 4096;

    /// <summary>The settings of <paramref name="module"/>; with <paramref name="tls"/> also how it verifies the upstream's certificate.</summary>
    public static IReadOnlyList<(string Name, string Default)> For(string module, bool tls = false, int pageSize = DefaultPageSize)
    {
        var page = pageSize >= 8192 ? 8 : 4;
        var list = new List<(string, string)>
        {
            ($"{module}_connect_timeout", "60s"),
            ($"{module}_read_timeout", "60s"),
            ($"{module}_send_timeout", "60s"),
            ($"{module}_buffer_size", $"{page}k"),
        };
        if (module is "proxy" or "fastcgi" or "uwsgi" or "scgi")
        {
            list.Add(($"{module}_buffers", $"8 {page}k"));
            list.Add(($"{module}_busy_buffers_size", $"{page * 2}k"));
        }

        if (tls && module is "proxy" or "grpc" or "uwsgi")
        {
            // An empty name means nginx's default: the host of the pass directive's address.
            list.Add(($"{module}_ssl_verify", "off"));
            list.Add(($"{module}_ssl_trusted_certificate", ""));
            list.Add(($"{module}_ssl_name", ""));
            list.Add(($"{module}_ssl_server_name", "off"));
            list.Add(($"{module}_ssl_protocols", "")); // nginx's default, which its version and OpenSSL decide
            list.Add(($"{module}_ssl_certificate", ""));
            list.Add(($"{module}_ssl_ciphers", "")); // nginx's default is OpenSSL's "DEFAULT"
        }

        return list;
    }
}

/// <summary>
/// Finds the value of a directive in force at a site: the innermost enclosing block that sets it. Each
/// block's simple directives are indexed once, so 10,000 servers in one http{} are not scanned per site.
/// </summary>
public sealed class SettingsIndex
{
    private readonly Dictionary<Directive, Dictionary<string, Directive>> _blocks = new(ReferenceEqualityComparer.Instance);

    public EffectiveSetting? Find(string name, IReadOnlyList<Directive> ancestors)
    {
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            if (Index(ancestors[i]).TryGetValue(name, out var d))
            {
                return new EffectiveSetting(name, string.Join(' ', d.Args.Select(a => a.Value)), d.Pos);
            }
        }

        return null;
    }

    private readonly Dictionary<Directive, string?> _hostHeaders = new(ReferenceEqualityComparer.Instance);

    /// <summary>proxy_set_header is inherited only from the innermost level that sets any; Host among them, else $proxy_host.</summary>
    public string HostHeader(IReadOnlyList<Directive> ancestors)
    {
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            if (!_hostHeaders.TryGetValue(ancestors[i], out var host))
            {
                var headers = ancestors[i].Block?.Where(x => x.Name == "proxy_set_header" && x.Args.Count >= 2).ToList() ?? [];
                host = headers.Count == 0 ? null : headers.LastOrDefault(h => h.Arg(0).Equals("Host", StringComparison.OrdinalIgnoreCase))?.Arg(1) ?? "$proxy_host";
                _hostHeaders[ancestors[i]] = host;
            }

            if (host is not null)
            {
                return host;
            }
        }

        return "$proxy_host";
    }

    private Dictionary<string, Directive> Index(Directive block)
    {
        if (!_blocks.TryGetValue(block, out var index))
        {
            index = new Dictionary<string, Directive>(StringComparer.Ordinal);
            foreach (var d in block.Block ?? [])
            {
                if (d.Block is null)
                {
                    index[d.Name] = d;
                }
            }

            _blocks[block] = index;
        }

        return index;
    }
}
