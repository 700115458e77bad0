namespace NgxDoctor.Config.Upstreams;

/// <summary>Timeouts and buffers each upstream module reads, with nginx's defaults (one memory page = 4k or 8k).</summary>
public static class ModuleSettings
{
    public static IReadOnlyList<(string Name, string Default)> For(string module)
    {
        var page = Environment.SystemPageSize >= 8192 ? 8 : 4;
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

        return list;
    }

    /// <summary>The innermost value of a directive among the blocks enclosing a site (innermost last).</summary>
    public static EffectiveSetting? Find(string name, IReadOnlyList<Directive> ancestors)
    {
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            var block = ancestors[i].Block;
            if (block is null)
            {
                continue;
            }

            for (var j = block.Count - 1; j >= 0; j--)
            {
                var d = block[j];
                if (d.Name == name && d.Block is null)
                {
                    return new EffectiveSetting(name, string.Join(' ', d.Args.Select(a => a.Value)), d.Pos);
                }
            }
        }

        return null;
    }
}
