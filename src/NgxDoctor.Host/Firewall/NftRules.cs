using System.Globalization;
using System.Text.Json;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Firewall;

/// <summary>
/// Drop and reject rules from `nft -j list ruleset`: the destination address, protocol and port each matches.
/// Rules with negated matches are left out (what they match cannot be stated simply); so are accepts.
/// </summary>
public static class NftRules
{
    public static IReadOnlyList<FirewallRule> Parse(string json)
    {
        var rules = new List<FirewallRule>();
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        if (!doc.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return rules;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && chain.TryGetProperty("policy", out var policy) && policy.GetString() == "drop")
            {
                var name = $"{Str(chain, "family")} {Str(chain, "table")} {Str(chain, "name")}";
                rules.Add(new FirewallRule(name, "policy-drop", null, [], [], $"chain {name} {{ type {Str(chain, "type")} hook {Str(chain, "hook")}; policy drop; }}"));
            }
            else if (item.TryGetProperty("rule", out var rule) && Rule(rule) is { } parsed)
            {
                rules.Add(parsed);
            }
        }

        return rules;
    }

    private static FirewallRule? Rule(JsonElement rule)
    {
        if (!rule.TryGetProperty("expr", out var exprs) || exprs.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? verdict = null, protocol = null;
        var addresses = new List<string>();
        var ports = new List<string>();
        var uids = new List<string>();
        var gids = new List<string>();
        var text = new List<string>();
        foreach (var e in exprs.EnumerateArray())
        {
            if (e.TryGetProperty("drop", out _))
            {
                verdict = "drop";
                text.Add("drop");
            }
            else if (e.TryGetProperty("reject", out _))
            {
                verdict = "reject";
                text.Add("reject");
            }
            else if (e.TryGetProperty("match", out var m))
            {
                if (Str(m, "op") is not ("==" or "in"))
                {
                    return null;
                }

                var (what, field) = Left(m.GetProperty("left"));
                var values = Values(m.GetProperty("right"));
                text.Add($"{what} {field} {string.Join(',', values)}");
                switch (field)
                {
                    case "daddr":
                        addresses.AddRange(values);
                        break;
                    case "dport":
                        ports.AddRange(values);
                        protocol ??= what is "tcp" or "udp" ? what : null;
                        break;
                    case "skuid":
                        uids.AddRange(values);
                        break;
                    case "skgid":
                        gids.AddRange(values);
                        break;
                    case "l4proto" or "protocol" or "nexthdr":
                        protocol = values.FirstOrDefault();
                        break;
                }
            }
        }

        if (verdict is null)
        {
            return null;
        }

        var chain = $"{Str(rule, "family")} {Str(rule, "table")} {Str(rule, "chain")}";
        return new FirewallRule(chain, verdict, protocol, addresses, ports, $"{chain}: {string.Join(' ', text)}") { Uids = uids, Gids = gids };
    }

    private static (string What, string Field) Left(JsonElement left)
    {
        if (left.TryGetProperty("payload", out var p))
        {
            return (Str(p, "protocol"), Str(p, "field"));
        }

        return left.TryGetProperty("meta", out var meta) ? ("meta", Str(meta, "key")) : ("?", "?");
    }

    private static List<string> Values(JsonElement right) => right.ValueKind switch
    {
        JsonValueKind.String => [right.GetString()!],
        JsonValueKind.Number => [right.GetRawText()],
        JsonValueKind.Object when right.TryGetProperty("set", out var set) => set.EnumerateArray().SelectMany(Values).ToList(),
        JsonValueKind.Object when right.TryGetProperty("prefix", out var prefix) =>
            [$"{Str(prefix, "addr")}/{prefix.GetProperty("len").GetInt32().ToString(CultureInfo.InvariantCulture)}"],
        JsonValueKind.Object when right.TryGetProperty("range", out var range) && range.GetArrayLength() == 2 =>
            [$"{range[0].GetRawText().Trim('"')}-{range[1].GetRawText().Trim('"')}"],
        _ => [right.GetRawText()],
    };

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : "";
}
