using System.Text.Json;

namespace NgxDoctor.Host.Namespaces;

/// <summary>The fields of a `GET /containers/ID/json` answer ngxdoctor reads; a field missing is left null.</summary>
internal static class DockerJson
{
    public static DockerContainer Container(JsonElement c)
    {
        var config = Child(c, "Config");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config is { } cfg && Child(cfg, "Labels") is { ValueKind: JsonValueKind.Object } l)
        {
            foreach (var p in l.EnumerateObject())
            {
                labels[p.Name] = p.Value.GetString() ?? "";
            }
        }

        var host = Child(c, "HostConfig");
        return new DockerContainer(
            Text(c, "Id") ?? "",
            (Text(c, "Name") ?? "").TrimStart('/'),
            config is { } conf ? Text(conf, "Image") : null,
            labels,
            Child(c, "State") is { } state && Child(state, "Pid") is { ValueKind: JsonValueKind.Number } pid && pid.GetInt32() > 0 ? pid.GetInt32() : null)
        {
            LogPath = Text(c, "LogPath") is { Length: > 0 } log ? log : null,
            LogDriver = host is { } h && Child(h, "LogConfig") is { } lc ? Text(lc, "Type") : null,
            NetworkMode = host is { } hc ? Text(hc, "NetworkMode") : null,
            Mounts = Child(c, "Mounts") is { ValueKind: JsonValueKind.Array } mounts ? mounts.EnumerateArray().Select(Mount).ToList() : [],
            Addresses = Addresses(c),
            State = Child(c, "State") is { } st ? Text(st, "Status") : null,
        };
    }

    private static DockerMount Mount(JsonElement m) =>
        new(Text(m, "Type") ?? "", Text(m, "Source"), Text(m, "Destination") ?? "", Child(m, "RW") is { ValueKind: JsonValueKind.True });

    private static List<DockerAddress> Addresses(JsonElement c)
    {
        var list = new List<DockerAddress>();
        if (Child(c, "NetworkSettings") is not { } ns || Child(ns, "Networks") is not { ValueKind: JsonValueKind.Object } networks)
        {
            return list;
        }

        foreach (var n in networks.EnumerateObject())
        {
            var names = new List<string>();
            foreach (var key in new[] { "Aliases", "DNSNames" })
            {
                if (Child(n.Value, key) is { ValueKind: JsonValueKind.Array } a)
                {
                    names.AddRange(a.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0));
                }
            }

            // A stopped container keeps its names on the network, without an address.
            list.Add(new DockerAddress(n.Name, Text(n.Value, "IPAddress") ?? "", names.Distinct().ToList()));
        }

        return list;
    }

    private static JsonElement? Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string? Text(JsonElement e, string name) => Child(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}
