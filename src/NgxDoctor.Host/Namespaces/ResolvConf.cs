using System.Net;

namespace NgxDoctor.Host.Namespaces;

/// <summary>The nameservers, search domains and ndots of a resolv.conf.</summary>
public sealed record ResolvConf(IReadOnlyList<IPAddress> Servers, IReadOnlyList<string> Search, int Ndots)
{
    public static ResolvConf Parse(string text)
    {
        var servers = new List<IPAddress>();
        var search = new List<string>();
        var ndots = 1;
        foreach (var raw in text.Split('\n'))
        {
            var f = raw.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || f[0].StartsWith('#') || f[0].StartsWith(';'))
            {
                continue;
            }

            switch (f[0])
            {
                case "nameserver" when IPAddress.TryParse(f[1], out var ip):
                    servers.Add(ip);
                    break;
                case "search" or "domain":
                    search = f.Skip(1).ToList();
                    break;
                case "options":
                    foreach (var o in f.Skip(1).Where(o => o.StartsWith("ndots:", StringComparison.Ordinal)))
                    {
                        _ = int.TryParse(o.AsSpan(6), out ndots);
                    }

                    break;
            }
        }

        return new ResolvConf(servers.Take(3).ToList(), search, ndots);
    }

    /// <summary>The names the resolver tries, in its order: with the search domains first when the name has fewer dots than ndots.</summary>
    public IEnumerable<string> Candidates(string name)
    {
        if (name.EndsWith('.'))
        {
            return [name];
        }

        var suffixed = Search.Select(s => $"{name}.{s}");
        return name.Count(c => c == '.') >= Ndots ? [name, .. suffixed] : [.. suffixed, name];
    }
}

/// <summary>The addresses /etc/hosts gives a name.</summary>
public static class HostsFile
{
    public static List<IPAddress> Find(string text, string name)
    {
        var found = new List<IPAddress>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0];
            var f = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && IPAddress.TryParse(f[0], out var ip) && f.Skip(1).Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(ip);
            }
        }

        return found;
    }
}
