using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Config.Routing;
using NgxDoctor.Host.Lab;

namespace NgxDoctor.Scenarios;

/// <summary>
/// nginx's internal redirects against real nginx (issue 27): generated servers whose locations route internally
/// (index, try_files to a URI, a named location or a status, rewrite last and break, internal locations) over a real
/// docroot of generated files, each final location answering its id and each file holding its own path. For every
/// request, what nginx answered and what RequestRouter predicts (looking at the same docroot) must be the same.
/// </summary>
public class InternalRoutingDifferentialTests
{
    private const int Configs = 12;
    private const int RequestsPerConfig = 60;
    private static readonly string[] Dirs = ["", "a/", "b/", "a/c/"];
    private static readonly string[] Files = ["index.html", "index.php", "x.txt", "y.php", "z.css"];
    private static readonly string[] Indexes = ["index index.php index.html", "index index.html index.php", "index none.html", "index none.html index.php"];
    private static readonly string[] Prefixes = ["/", "/a/", "/b/", "/r/", "/s/", "/t/", "/in/", "/q/"];

    [SkippableFact]
    public async Task Internal_routes_agree_with_nginx()
    {
        var mismatches = new List<string>();
        var seen = new Dictionary<HopKind, int>();
        var pairs = 0;
        for (var seed = 1; seed <= Configs; seed++)
        {
            var random = new Random(seed * 7919);
            using var lab = NginxLab.Create();
            var www = lab.PathOf("www");
            var existing = MakeDocroot(random, www);
            var body = Config(random, lab.Port, www);
            lab.WriteConfig(body);
            await lab.StartAsync();
            var config = ConfigLoader.LoadFile(lab.ConfigFile);
            var files = new SourceDocumentFiles(DiskConfigSource.Instance);
            for (var i = 0; i < RequestsPerConfig; i++)
            {
                var path = Request(random, existing);
                var actual = await AskAsync(lab.Port, path);
                var route = RequestRouter.Route(config, RouteRequest.Parse($"http://127.0.0.1:{lab.Port}{path}", "127.0.0.1", "x.test"), files);
                var predicted = Predict(route, www);
                pairs++;
                foreach (var hop in route.Hops)
                {
                    seen[hop.Kind] = seen.GetValueOrDefault(hop.Kind) + 1;
                }

                if (predicted != actual)
                {
                    mismatches.Add($"seed {seed}: {path}: nginx {actual}, route {predicted} (final {route.Location}; hops {string.Join(" > ", route.Hops)}; notes {string.Join(" / ", route.Notes)})");
                }
            }

            if (mismatches.Count is > 0 and < 3)
            {
                mismatches.Add($"config of seed {seed}:\n{body}\nfiles: {string.Join(' ', existing)}");
            }
        }

        var counts = string.Join(", ", seen.Select(k => $"{k.Key}={k.Value}"));
        foreach (var kind in Enum.GetValues<HopKind>())
        {
            Assert.True(seen.GetValueOrDefault(kind) >= 10, $"{kind} was taken fewer than 10 times: {counts}");
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {pairs} differ:\n" + string.Join("\n", mismatches.Take(12)));
    }

    private static List<string> MakeDocroot(Random r, string www)
    {
        var existing = new List<string>();
        foreach (var dir in Dirs)
        {
            foreach (var file in Files.Where(_ => r.Next(3) > 0))
            {
                var uri = "/" + dir + file;
                Directory.CreateDirectory(Path.Combine(www, dir));
                File.WriteAllText(Path.Combine(www, dir, file), "file:" + uri);
                existing.Add(uri);
            }
        }

        Directory.CreateDirectory(Path.Combine(www, "b"));
        return existing;
    }

    private static string Config(Random r, int port, string www) => $$"""
            server {
                listen 127.0.0.1:{{port}};
                root {{www}};
                {{Indexes[r.Next(Indexes.Length)]}};
                location / { try_files $uri $uri/ {{(r.Next(2) == 0 ? "=404" : "/y.php?$args")}}; }
                location /a/ { {{(r.Next(2) == 0 ? "try_files $uri @named;" : "")}} }
                location /b/ { try_files $uri $uri/ /index.php?$query_string; }
                location /r/ { rewrite ^/r/(.*)$ /{{(r.Next(2) == 0 ? "a" : "s")}}/$1 last; }
                location /s/ { rewrite ^/s/(.*)$ /$1 break; try_files $uri =410; }
                location /t/ { try_files $uri /in/$uri; }
                location /q/ { rewrite ^/q/(.*)$ /b/$1; rewrite ^/b/x(.*)$ /a/x$1; }
                location /in/ { internal; return 200 "in"; }
                location @named { return 200 "named"; }
                location ~ \.php$ { return 200 "php"; }
            }
            """;

    private static string Request(Random r, List<string> existing)
    {
        var path = r.Next(3) == 0 && existing.Count > 0 ? existing[r.Next(existing.Count)]
            : "/" + Dirs[r.Next(Dirs.Length)] + (r.Next(3) == 0 ? "" : Files[r.Next(Files.Length)].Replace("index", "idx", StringComparison.Ordinal));
        var prefix = Prefixes[r.Next(Prefixes.Length)];
        return r.Next(3) == 0 ? path : prefix.TrimEnd('/') + path;
    }

    /// <summary>What the route says nginx answers: a return's text, a status, or a file's content ("file:/uri"), as AskAsync reports nginx's.</summary>
    private static string Predict(RouteResult route, string www)
    {
        if (route.Ends.FirstOrDefault(e => e.Directive.Name == "return") is { } ret)
        {
            return ret.Directive.Arg(1);
        }

        if (route.Answer is { Status: { } status })
        {
            return status is 301 or 403 ? "301-or-403" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (route.Answer is { File: { } uri })
        {
            var file = Path.Combine(www, uri.TrimStart('/'));
            return File.Exists(file) ? "file:" + uri : Directory.Exists(file) ? "301-or-403" : "404";
        }

        return "?";
    }

    private static async Task<string> AskAsync(int port, string path)
    {
        var (status, body) = await RawHttp.GetAsync(port, "x.test", path);
        return status switch
        {
            "200" => body,
            "301" or "403" => "301-or-403",
            _ => status,
        };
    }
}
