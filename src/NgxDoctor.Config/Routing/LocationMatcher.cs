namespace NgxDoctor.Config.Routing;

/// <summary>A location block as nginx reads its head: the modifier ("=", "^~", "~", "~*", "" or "@") and the pattern.</summary>
public sealed record LocationHead(Directive Directive, string Modifier, string Pattern)
{
    public static LocationHead Of(Directive d)
    {
        if (d.Args.Count >= 2)
        {
            return new LocationHead(d, d.Arg(0), d.Arg(1));
        }

        var a = d.Arg(0);
        foreach (var m in new[] { "^~", "~*", "=", "~", "@" })
        {
            if (a.StartsWith(m, StringComparison.Ordinal) && a.Length > m.Length)
            {
                return new LocationHead(d, m, m == "@" ? a : a[m.Length..]);
            }
        }

        return new LocationHead(d, "", a);
    }

    public override string ToString() => Modifier is "" or "@" ? Pattern : $"{Modifier} {Pattern}";
}

/// <summary>One step of the location search: which block matched and by which rule.</summary>
public sealed record LocationStep(LocationHead Location, string How);

/// <summary>
/// nginx's location search (ngx_http_core_find_location), level by level: an exact `=` match ends it; else the
/// longest prefix is remembered and its nested locations are searched; unless that prefix is `^~` (or a nested
/// search ended it), the regex locations of the level are tried in file order and the first match wins, its own
/// nested locations searched in turn. Named locations (@) are never matched by URI.
/// </summary>
public static class LocationMatcher
{
    public sealed record Result(LocationHead? Location, IReadOnlyList<LocationStep> Steps, IReadOnlyDictionary<string, string> Captures, bool Done);

    public static Result Find(IReadOnlyList<Directive> block, string uri)
    {
        var heads = block.Where(d => d.Name == "location" && d.Args.Count > 0).Select(LocationHead.Of).Where(h => h.Modifier != "@").ToList();
        if (heads.FirstOrDefault(h => h.Modifier == "=" && h.Pattern == uri) is { } exact)
        {
            return new Result(exact, [new LocationStep(exact, "exact match")], Empty, true);
        }

        var steps = new List<LocationStep>();
        LocationHead? chosen = null;
        var noRegex = false;
        var prefix = heads.Where(h => h.Modifier is "" or "^~" && uri.StartsWith(h.Pattern, StringComparison.Ordinal))
            .Select((h, i) => (h, i)).OrderByDescending(x => x.h.Pattern.Length).ThenBy(x => x.i).Select(x => x.h).FirstOrDefault();
        if (prefix is not null)
        {
            chosen = prefix;
            noRegex = prefix.Modifier == "^~";
            steps.Add(new LocationStep(prefix, noRegex ? "longest prefix, ^~: regexes of this level are not tried" : "longest prefix (remembered while regexes are tried)"));
            var nested = Find(prefix.Directive.Block ?? [], uri);
            steps.AddRange(nested.Steps);
            if (nested.Done)
            {
                return nested with { Steps = steps };
            }

            chosen = nested.Location ?? chosen;
        }

        if (!noRegex)
        {
            foreach (var h in heads.Where(h => h.Modifier is "~" or "~*"))
            {
                var m = Pcre.Match(h.Pattern, uri, h.Modifier == "~*");
                if (m is { Success: true })
                {
                    steps.Add(new LocationStep(h, "first matching regex in file order"));
                    var nested = Find(h.Directive.Block ?? [], uri);
                    steps.AddRange(nested.Steps);
                    return new Result(nested.Location ?? h, steps, nested.Location is null ? Pcre.Captures(m) : nested.Captures, true);
                }
            }
        }

        return new Result(chosen, steps, Empty, false);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
