using System.Globalization;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Config.Routing;
using NgxDoctor.Host.Lab;

namespace NgxDoctor.Scenarios;

/// <summary>
/// `route` against real nginx as the oracle: generated configurations (several servers with exact, wildcard and
/// regex names and a default_server; every location modifier, nested and regex locations), each location answering
/// `return 200 "its id"`, and generated requests. For every request, the location nginx answered from and the one
/// RequestRouter predicts must be the same (or both "no location": 404).
/// </summary>
public class RoutingDifferentialTests
{
    private const int Configs = 24;
    private const int RequestsPerConfig = 90;

    private static readonly string[] Segments = ["a", "b", "api", "img", "static", "v1", "A", "Img"];
    private static readonly string[] Extensions = ["", "", ".php", ".jpg", ".css", ".PHP"];
    private static readonly string[] Names =
    [
        "a.test", "www.a.test", "*.a.test", ".b.test", "mail.*", "www.c.*", "~^(?<sub>[a-z]+)\\.re\\.test$", "~^api[0-9]+\\.", "_", "c.test", "\"\"",
    ];

    private static readonly string[] Hosts =
    [
        "a.test", "www.a.test", "x.a.test", "x.y.a.test", "b.test", "q.b.test", "mail.example.org", "mail.a.test", "www.c.net", "foo.re.test",
        "api7.zone", "c.test", "unknown.test", "A.TEST", "", "a.test.",
    ];

    [SkippableFact]
    public async Task Route_agrees_with_nginx_on_generated_configurations_and_requests()
    {
        var mismatches = new List<string>();
        var pairs = 0;
        var seen = new Dictionary<string, int>();
        for (var seed = 1; seed <= Configs; seed++)
        {
            var random = new Random(seed);
            using var lab = NginxLab.Create();
            var body = GenerateConfig(random, lab.Port);
            lab.WriteConfig(body);
            await lab.StartAsync();
            var config = ConfigLoader.LoadFile(lab.ConfigFile);
            for (var i = 0; i < RequestsPerConfig; i++)
            {
                var (host, path) = GenerateRequest(random);
                var actual = await AskAsync(lab.Port, host, path);
                var route = RequestRouter.Route(config, RouteRequest.Parse($"http://127.0.0.1:{lab.Port}{path}", "127.0.0.1", host));
                var predicted = route.Location is null ? "404" : route.Ends.FirstOrDefault(e => e.Directive.Name == "return")?.Directive.Arg(1) ?? "?";
                pairs++;
                foreach (var kind in route.Steps.Select(st => st.How.Split(',')[0]).Append(route.Server?.How.Split(' ')[0] ?? "none").Append(predicted == "404" ? "404" : "200"))
                {
                    seen[kind] = seen.GetValueOrDefault(kind) + 1;
                }

                seen["nested"] = seen.GetValueOrDefault("nested") + (route.Steps.Count > 1 ? 1 : 0);
                if (predicted != actual)
                {
                    mismatches.Add($"seed {seed}: Host \"{host}\" {path}: nginx {actual}, route {predicted} ({route.Server?.How} {route.Server?.Name}; {string.Join(" > ", route.Steps.Select(s => s.Location + " [" + s.How + "]"))})");
                }
            }

            if (mismatches.Count > 0 && mismatches.Count < 3)
            {
                mismatches.Add($"config of seed {seed}:\n{body}");
            }
        }

        Assert.True(pairs >= 2000, $"only {pairs} pairs");

        // Every rule of the search must have decided some requests, or agreement proves little.
        var counts = string.Join(", ", seen.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}"));
        foreach (var kind in new[]
        {
            "exact match", "longest prefix", "longest prefix (remembered while regexes are tried)", "first matching regex in file order", "nested",
            "exact", "leading", "trailing", "regex", "default_server", "first", "404", "200",
        })
        {
            Assert.True(seen.GetValueOrDefault(kind) >= 10, $"{kind} decided fewer than 10 requests: {counts}");
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {pairs} differ:\n" + string.Join("\n", mismatches.Take(12)));
    }

    private static string GenerateConfig(Random r, int port)
    {
        var sb = new StringBuilder();
        var servers = r.Next(2, 5);
        var defaultAt = r.Next(-1, servers);
        var id = 0;
        for (var s = 0; s < servers; s++)
        {
            var names = Enumerable.Range(0, r.Next(1, 4)).Select(_ => Names[r.Next(Names.Length)]).Distinct().ToList();
            sb.AppendLine("server {");
            sb.AppendLine($"    listen 127.0.0.1:{port}{(s == defaultAt ? " default_server" : "")};");
            sb.AppendLine($"    server_name {string.Join(' ', names.Select(Quote))};");
            var used = new HashSet<string>();
            for (var l = 0; l < r.Next(3, 9); l++)
            {
                sb.Append(Location(r, $"S{s}", ref id, used));
            }

            sb.AppendLine("}");
        }

        return sb.ToString();
    }

    /// <summary>A location nginx accepts: no two prefix (or two exact) locations of one level with the same path.</summary>
    private static string Location(Random r, string server, ref int id, HashSet<string> used)
    {
        var p1 = "/" + Segments[r.Next(Segments.Length)];
        var p2 = p1 + "/" + Segments[r.Next(Segments.Length)];
        var prefix = r.Next(2) == 0 ? p1 : p2;
        var ext = Extensions[r.Next(1, Extensions.Length)];
        var head = r.Next(7) switch
        {
            0 => $"= {prefix}",
            1 => $"^~ {prefix}",
            2 => $"~ \\{ext.ToLowerInvariant()}$",
            3 => $"~* ^{p1}/",
            4 => $"{prefix}/",
            _ => prefix,
        };
        var key = head.StartsWith('=') ? head : head.StartsWith('~') ? head + id : PathOf(head);
        if (!used.Add(key))
        {
            return "";
        }

        var me = $"{server}L{id++}";
        var nested = new StringBuilder();
        if (!head.StartsWith('=') && r.Next(3) == 0)
        {
            var inner = head.StartsWith('~') ? $"~ {Segments[r.Next(Segments.Length)]}" : r.Next(2) == 0 ? $"{PathOf(head)}/{Segments[r.Next(Segments.Length)]}" : $"~ \\{Extensions[r.Next(1, Extensions.Length)].ToLowerInvariant()}$";
            nested.Append(CultureInfo.InvariantCulture, $"        location {inner} {{ return 200 \"{server}L{id++}\"; }}\n");
        }

        return $"    location {head} {{\n{nested}        return 200 \"{me}\";\n    }}\n";
    }

    private static string PathOf(string head) => head.Split(' ')[^1];

    private static (string Host, string Path) GenerateRequest(Random r)
    {
        var path = new StringBuilder();
        for (var i = 0; i < r.Next(1, 4); i++)
        {
            path.Append('/').Append(Segments[r.Next(Segments.Length)]);
        }

        path.Append(Extensions[r.Next(Extensions.Length)]);
        var text = path.ToString();
        text = r.Next(12) switch
        {
            0 => text + "/",
            1 => "/" + text,
            2 => text.Replace("/a", "/%61", StringComparison.Ordinal),
            3 => "/x/.." + text,
            4 => "/./" + text.TrimStart('/'),
            _ => text,
        };
        return (Hosts[r.Next(Hosts.Length)], text + (r.Next(5) == 0 ? "?q=1" : ""));
    }

    private static string Quote(string name) => name.Contains('\\', StringComparison.Ordinal) || name.Contains('{', StringComparison.Ordinal) ? $"\"{name}\"" : name;

    /// <summary>A raw request (HttpClient would normalise the path); the body names the location, a 404 has no id.</summary>
    private static async Task<string> AskAsync(int port, string host, string path)
    {
        var (status, body) = await RawHttp.GetAsync(port, host, path);
        return status == "200" ? body : status;
    }
}
