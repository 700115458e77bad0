namespace NgxDoctor.Config;

/// <summary>glob(3) as nginx's include uses it: '*', '?' and '[...]' per path segment, sorted, no dotfiles.</summary>
public static class Glob
{
    public static bool HasWildcards(string path) => path.AsSpan().IndexOfAny("*?[") >= 0;

    public static IReadOnlyList<string> Expand(string pattern)
    {
        var absolute = pattern.StartsWith('/');
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { absolute ? "/" : "." };
        foreach (var segment in segments)
        {
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!HasWildcards(segment))
                {
                    next.Add(Path.Combine(dir, segment));
                    continue;
                }

                if (!Directory.Exists(dir))
                {
                    continue;
                }

                foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                {
                    var name = Path.GetFileName(entry);
                    if (Matches(name, segment))
                    {
                        next.Add(entry);
                    }
                }
            }

            current = next;
        }

        var found = current.Where(p => File.Exists(p) || Directory.Exists(p) || UnixFileStatus.Of(p).Exists).ToList();
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Whether a full path matches a pattern segment by segment (used for `nginx -T` dumps).</summary>
    public static bool MatchesPath(string path, string pattern)
    {
        var p = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var q = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != q.Length)
        {
            return false;
        }

        for (var i = 0; i < p.Length; i++)
        {
            if (!Matches(p[i], q[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Matches(string name, string pattern)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        return Match(name, 0, pattern, 0);
    }

    private static bool Match(string s, int si, string p, int pi)
    {
        int starP = -1, starS = -1;
        while (si < s.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                starP = pi++;
                starS = si;
                continue;
            }

            if (pi < p.Length && MatchOne(s[si], p, ref pi))
            {
                si++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            pi = starP + 1;
            si = ++starS;
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }

    private static bool MatchOne(char c, string p, ref int pi)
    {
        var pc = p[pi];
        if (pc == '?')
        {
            pi++;
            return true;
        }

        if (pc == '[')
        {
            var end = p.IndexOf(']', pi + 2);
            if (end > 0)
            {
                var set = p[(pi + 1)..end];
                var negate = set.Length > 0 && (set[0] == '!' || set[0] == '^');
                if (negate)
                {
                    set = set[1..];
                }

                var hit = false;
                for (var i = 0; i < set.Length; i++)
                {
                    if (i + 2 < set.Length && set[i + 1] == '-')
                    {
                        hit |= c >= set[i] && c <= set[i + 2];
                        i += 2;
                    }
                    else
                    {
                        hit |= c == set[i];
                    }
                }

                if (hit != negate)
                {
                    pi = end + 1;
                    return true;
                }

                return false;
            }
        }

        if (pc == '\\' && pi + 1 < p.Length)
        {
            pc = p[pi + 1];
            if (c == pc)
            {
                pi += 2;
                return true;
            }

            return false;
        }

        if (c == pc)
        {
            pi++;
            return true;
        }

        return false;
    }
}
