using NgxDoctor.Config.Routing;

namespace NgxDoctor.Config.Tests;

/// <summary>nginx's internal redirects, statically (the fixture Fixtures/internal; real nginx checks the same routes in RoutingDifferentialTests).</summary>
public class InternalRoutingTests
{
    private static readonly NginxConfig Config = ConfigLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", "internal", "nginx.conf"));

    private sealed class Files(params string[] existing) : IDocumentFiles
    {
        public bool? IsFile(string path) => existing.Contains(Clean(path));

        public bool? IsDirectory(string path) => Clean(path) is var p && (existing.Any(e => e.EndsWith('/') && e == p) || p == "/var/www/html/");

        // As the kernel reads a path: "//" is "/".
        private static string Clean(string path) => path.Replace("//", "/", StringComparison.Ordinal);
    }

    private static RouteResult Route(string path, IDocumentFiles? files = null) => RequestRouter.Route(Config, RouteRequest.Parse("http://127.0.0.1:18080" + path), files);

    private static string Final(RouteResult r) => r.Location?.ToString() ?? "(none)";

    private static string Hops(RouteResult r) => string.Join(" | ", r.Hops.Select(h => $"{h.Kind} {h.From}->{h.To}"));

    [Fact]
    public void A_directory_goes_to_its_index_file_and_the_php_location()
    {
        var r = Route("/", new Files("/var/www/html/index.php"));
        Assert.Equal("~ \\.php$", Final(r));
        Assert.Equal("Index /->/index.php", Hops(r));
        Assert.Equal("fastcgi_pass", Assert.Single(r.Ends).Directive.Name);
    }

    [Fact]
    public void Without_the_files_the_branch_that_reaches_an_upstream_is_taken_and_said_to_be_assumed()
    {
        var r = Route("/");
        Assert.Equal("~ \\.php$", Final(r));
        Assert.Contains(r.Notes, n => n.StartsWith("assumed: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Try_files_falls_back_to_a_uri_and_a_named_location()
    {
        var php = Route("/blog/post?id=3", new Files());
        Assert.Equal("~ \\.php$", Final(php));
        Assert.Equal("TryFiles /blog/post->/index.php", Hops(php));

        var app = Route("/app/users", new Files());
        Assert.Equal("@app", Final(app));
        Assert.Equal("NamedLocation /app/users->@app", Hops(app));
        Assert.Equal("proxy_pass http://app;", Assert.Single(app.Ends).Directive.ToEvidenceText());
    }

    [Fact]
    public void A_file_that_exists_is_served_from_disk()
    {
        var r = Route("/app/logo.png", new Files("/var/www/html/app/logo.png"));
        Assert.Equal("/app/", Final(r));
        Assert.Empty(r.Hops);
        Assert.Empty(r.Ends);
    }

    [Fact]
    public void Rewrite_last_searches_again_and_break_stays()
    {
        var last = Route("/old/a/b");
        Assert.Equal("/new/", Final(last));
        Assert.Equal("Rewrite /old/a/b->/new/a/b", Hops(last));
        Assert.Equal("proxy_pass http://127.0.0.1:18003;", Assert.Single(last.Ends).Directive.ToEvidenceText());

        var brk = Route("/static/x.css");
        Assert.Equal("/static/", Final(brk));
        Assert.Equal("Rewrite /static/x.css->/assets/x.css", Hops(brk));
        Assert.Equal("proxy_pass http://127.0.0.1:18004;", Assert.Single(brk.Ends).Directive.ToEvidenceText());
    }

    [Fact]
    public void An_internal_location_is_not_reached_from_outside_but_error_page_reaches_it()
    {
        var r = Route("/protected/file");
        Assert.Empty(r.Ends);
        Assert.Contains(r.Notes, n => n.Contains("is internal", StringComparison.Ordinal));

        var app = Route("/app/x", new Files());
        Assert.Contains(app.Notes, n => n.Contains("on status 502 503 nginx redirects internally to /50x.html (location = /50x.html)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_redirect_cycle_ends_after_ten_hops_as_nginx_answers_500()
    {
        const string conf = "events {}\nhttp { server { listen 80; location /a { rewrite ^ /b last; } location /b { rewrite ^ /a last; } } }\n";
        var config = new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { ["/n.conf"] = conf })).Load("/n.conf");
        var r = RequestRouter.Route(config, RouteRequest.Parse("http://x/a"));
        Assert.Contains(r.Notes, n => n.StartsWith("rewrite or internal redirection cycle", StringComparison.Ordinal));
        Assert.Equal(InternalRouter.MaxRedirects + 1, r.Hops.Count);
    }
}
