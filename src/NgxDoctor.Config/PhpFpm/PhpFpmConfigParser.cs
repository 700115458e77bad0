namespace NgxDoctor.Config.PhpFpm;

/// <summary>
/// Reads php-fpm.conf the way PHP-FPM does: INI sections ([global], [pool]), "key = value" with ';' and '#'
/// comments, quoted values, `include = glob` (relative to the prefix, i.e. the main file's directory here),
/// and $pool expanded in values. Unknown lines are skipped.
/// </summary>
public static class PhpFpmConfigParser
{
    public static PhpFpmConfig Load(string mainFile, IConfigSource? source = null)
    {
        source ??= DiskConfigSource.Instance;
        var global = new Dictionary<string, FpmSetting>(StringComparer.Ordinal);
        var pools = new List<(string Name, Dictionary<string, FpmSetting> Settings, SourcePos Pos)>();
        var files = new List<string>();
        var pending = new Queue<string>();
        pending.Enqueue(mainFile);
        Dictionary<string, FpmSetting>? current = global;
        while (pending.Count > 0 && files.Count < 1000)
        {
            var file = pending.Dequeue();
            if (files.Contains(file, StringComparer.Ordinal))
            {
                continue;
            }

            files.Add(file);
            var lines = source.Read(file).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim().TrimEnd('\r');
                if (line.Length == 0 || line[0] is ';' or '#')
                {
                    continue;
                }

                var pos = new SourcePos(file, i + 1);
                if (line[0] == '[' && line.EndsWith(']'))
                {
                    var name = line[1..^1].Trim();
                    if (name == "global")
                    {
                        current = global;
                    }
                    else
                    {
                        var pool = pools.FirstOrDefault(p => p.Name == name);
                        if (pool.Settings is null)
                        {
                            pool = (name, new Dictionary<string, FpmSetting>(StringComparer.Ordinal), pos);
                            pools.Add(pool);
                        }

                        current = pool.Settings;
                    }

                    continue;
                }

                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }

                var key = line[..eq].Trim();
                var value = Unquote(StripComment(line[(eq + 1)..].Trim()));
                if (key == "include")
                {
                    var pattern = Path.IsPathRooted(value) ? value : Path.Combine(Path.GetDirectoryName(mainFile) ?? "/", value);
                    foreach (var hit in Glob.HasWildcards(pattern) ? source.Glob(pattern) : source.Exists(pattern) ? [pattern] : [])
                    {
                        pending.Enqueue(hit);
                    }

                    continue;
                }

                current![key] = new FpmSetting(value, pos);
            }
        }

        var result = pools.Select(p => new FpmPool(p.Name, Expand(p.Settings, p.Name), p.Pos)).ToList();
        return new PhpFpmConfig(mainFile, global, result, files);
    }

    private static Dictionary<string, FpmSetting> Expand(Dictionary<string, FpmSetting> settings, string pool) =>
        settings.ToDictionary(kv => kv.Key, kv => kv.Value with { Value = kv.Value.Value.Replace("$pool", pool, StringComparison.Ordinal) }, StringComparer.Ordinal);

    private static string StripComment(string value)
    {
        if (value.StartsWith('"'))
        {
            return value;
        }

        var semi = value.IndexOf(';', StringComparison.Ordinal);
        return semi >= 0 ? value[..semi].TrimEnd() : value;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
