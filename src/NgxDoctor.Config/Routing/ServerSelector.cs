using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace NgxDoctor.Config.Routing;

/// <summary>A `listen` of a server: its address (null: any) and port, and whether it is the default server there.</summary>
public sealed record ListenSpec(string? Address, int Port, bool IsDefault, SourcePos Pos);

/// <summary>The server nginx picks, and why: the name that matched (exact, wildcard, regex) or the default server.</summary>
public sealed record ServerMatch(Directive Server, string How, string? Name, IReadOnlyDictionary<string, string> Captures);

/// <summary>
/// nginx's choice of server block: among the servers listening on the connection's address and port (a specific
/// address's servers only, when one listens there; else the wildcard's), the Host header is matched in nginx's
/// order: exact name, longest leading wildcard, longest trailing wildcard, first regex in file order, then the
/// default_server (or the first server of that listen).
/// </summary>
public static class ServerSelector
{
    public static IReadOnlyList<ListenSpec> Listens(Directive server)
    {
        var listens = (server.Block ?? []).Where(d => d.Name == "listen" && d.Args.Count > 0).Select(Parse).OfType<ListenSpec>().ToList();
        return listens.Count > 0 || (server.Block ?? []).Any(d => d.Name == "listen") ? listens : [new ListenSpec(null, 80, false, server.Pos)];
    }

    public static ServerMatch? Select(IReadOnlyList<Directive> servers, RouteRequest request, List<string> notes)
    {
        var onPort = servers.SelectMany(s => Listens(s).Where(l => l.Port == request.Port).Select(l => (Server: s, Listen: l))).ToList();
        if (onPort.Count == 0)
        {
            notes.Add($"no server listens on port {request.Port.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        var group = Group(onPort, request, notes);
        return ByName(group.Select(x => x.Server).Distinct().ToList(), request.Host, group.FirstOrDefault(x => x.Listen.IsDefault).Server);
    }

    /// <summary>The server among <paramref name="candidates"/> (file order) whose server_name matches the host, else the default.</summary>
    public static ServerMatch ByName(IReadOnlyList<Directive> candidates, string host, Directive? defaultServer)
    {
        var names = candidates.SelectMany(s => (s.Block ?? []).Where(d => d.Name == "server_name").SelectMany(d => d.Args.Select(a => (Server: s, Name: a.Value)))).ToList();
        if (names.FirstOrDefault(n => !n.Name.StartsWith('~') && !n.Name.Contains('*', StringComparison.Ordinal) && !n.Name.StartsWith('.')
                && string.Equals(n.Name.TrimEnd('.'), host, StringComparison.OrdinalIgnoreCase)) is { Server: not null } exact)
        {
            return new ServerMatch(exact.Server, "exact server_name", exact.Name, Empty);
        }

        var leading = names.Where(n => LeadingSuffix(n.Name) is { } suffix && (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || (n.Name.StartsWith('.') && host.Equals(suffix[1..], StringComparison.OrdinalIgnoreCase))))
            .OrderByDescending(n => n.Name.Length).FirstOrDefault();
        if (leading.Server is not null)
        {
            return new ServerMatch(leading.Server, "leading wildcard server_name", leading.Name, Empty);
        }

        var trailing = names.Where(n => n.Name.EndsWith(".*", StringComparison.Ordinal) && !n.Name.StartsWith('~')
                && host.StartsWith(n.Name[..^1], StringComparison.OrdinalIgnoreCase) && host.Length > n.Name.Length - 1)
            .OrderByDescending(n => n.Name.Length).FirstOrDefault();
        if (trailing.Server is not null)
        {
            return new ServerMatch(trailing.Server, "trailing wildcard server_name", trailing.Name, Empty);
        }

        foreach (var (server, name) in names.Where(n => n.Name.StartsWith('~')))
        {
            var m = Pcre.Match(name[1..], host, false);
            if (m is { Success: true })
            {
                return new ServerMatch(server, "regex server_name", name, Pcre.Captures(m));
            }
        }

        return defaultServer is not null
            ? new ServerMatch(defaultServer, "default_server of the listen", null, Empty)
            : new ServerMatch(candidates[0], "first server of the listen (no name matched, no default_server)", null, Empty);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>"*.example.com" → ".example.com"; ".example.com" → ".example.com"; else null.</summary>
    private static string? LeadingSuffix(string name) =>
        name.StartsWith("*.", StringComparison.Ordinal) ? name[1..] : name.StartsWith('.') ? name : null;

    private static List<(Directive Server, ListenSpec Listen)> Group(List<(Directive Server, ListenSpec Listen)> onPort, RouteRequest request, List<string> notes)
    {
        if (request.Address is { } address && IPAddress.TryParse(address, out var ip))
        {
            var specific = onPort.Where(x => x.Listen.Address is { } a && IPAddress.TryParse(a.Trim('[', ']'), out var la) && la.Equals(ip)).ToList();
            if (specific.Count > 0)
            {
                return specific;
            }

            var v6 = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            var wildcard = onPort.Where(x => x.Listen.Address is null || (v6 ? x.Listen.Address is "[::]" : x.Listen.Address is "*" or "0.0.0.0")).ToList();
            return wildcard.Count > 0 ? wildcard : onPort;
        }

        var any = onPort.Where(x => x.Listen.Address is null or "*" or "0.0.0.0").ToList();
        if (any.Count > 0 && any.Count < onPort.Count)
        {
            notes.Add("the address the connection arrives at is not known: the servers of the wildcard listen are assumed (give --address for a specific one)");
        }

        return any.Count > 0 ? any : onPort;
    }

    private static ListenSpec? Parse(Directive listen)
    {
        var a = listen.Arg(0);
        if (a.StartsWith("unix:", StringComparison.Ordinal))
        {
            return null;
        }

        string? address;
        string? port;
        if (a.StartsWith('['))
        {
            var close = a.IndexOf(']', StringComparison.Ordinal);
            address = a[..(close + 1)];
            port = close + 2 < a.Length ? a[(close + 2)..] : null;
        }
        else if (a.Contains(':', StringComparison.Ordinal))
        {
            address = a[..a.LastIndexOf(':')];
            port = a[(a.LastIndexOf(':') + 1)..];
        }
        else if (a.All(char.IsAsciiDigit))
        {
            address = null;
            port = a;
        }
        else
        {
            address = a;
            port = null;
        }

        address = address is "*" ? null : address is "localhost" ? "127.0.0.1" : address;
        var isDefault = listen.Args.Skip(1).Any(x => x.Value is "default_server" or "default");
        return int.TryParse(port ?? "80", NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? new ListenSpec(address, p, isDefault, listen.Pos) : null;
    }
}

/// <summary>nginx's PCRE patterns run with .NET's engine (the syntax nginx configs use is common to both).</summary>
public static class Pcre
{
    public static Match? Match(string pattern, string input, bool ignoreCase)
    {
        try
        {
            var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return Regex.Match(input, pattern.Replace("(?P<", "(?<", StringComparison.Ordinal), options, TimeSpan.FromMilliseconds(200));
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return null;
        }
    }

    public static IReadOnlyDictionary<string, string> Captures(Match m)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Group g in m.Groups)
        {
            if (g.Success && g.Name != "0")
            {
                result[g.Name] = g.Value;
            }
        }

        return result;
    }
}
