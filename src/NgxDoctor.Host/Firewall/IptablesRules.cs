using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Firewall;

/// <summary>Drop and reject rules (and DROP policies) from `iptables-save` / `ip6tables-save`; negated matches are left out.</summary>
public static class IptablesRules
{
    /// <summary>The lines Parse can use: tables, chain policies and rules that drop or reject.</summary>
    public static bool MayMatter(string line) =>
        line.StartsWith('*') || line.StartsWith(':') || line.Contains(" DROP", StringComparison.Ordinal) || line.Contains(" REJECT", StringComparison.Ordinal);

    public static IReadOnlyList<FirewallRule> Parse(string text)
    {
        var rules = new List<FirewallRule>();
        var table = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('*'))
            {
                table = line[1..];
            }
            else if (line.StartsWith(':') && line.Split(' ') is [var chain, "DROP", ..])
            {
                rules.Add(new FirewallRule($"{table} {chain[1..]}", "policy-drop", null, [], [], $"-P {chain[1..]} DROP ({table})"));
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal) && Rule(table, line) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static FirewallRule? Rule(string table, string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Contains("!"))
        {
            return null;
        }

        string? verdict = null, protocol = null;
        var addresses = new List<string>();
        var ports = new List<string>();
        var uids = new List<string>();
        var gids = new List<string>();
        for (var i = 2; i < words.Length - 1; i++)
        {
            var value = words[i + 1];
            switch (words[i])
            {
                case "-j":
                    verdict = value switch { "DROP" => "drop", "REJECT" => "reject", _ => null };
                    break;
                case "-d" or "--destination":
                    addresses.AddRange(value.Split(','));
                    break;
                case "-p" or "--protocol":
                    protocol = value;
                    break;
                case "--dport" or "--dports" or "--destination-port" or "--destination-ports":
                    ports.AddRange(value.Split(','));
                    break;
                case "--uid-owner":
                    uids.Add(value);
                    break;
                case "--gid-owner":
                    gids.Add(value);
                    break;
            }
        }

        return verdict is null ? null : new FirewallRule($"{table} {words[1]}", verdict, protocol, addresses, ports, line) { Uids = uids, Gids = gids };
    }
}
