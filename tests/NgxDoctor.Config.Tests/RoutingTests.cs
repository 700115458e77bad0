using NgxDoctor.Config.Routing;

namespace NgxDoctor.Config.Tests;

public class RoutingTests
{
    private const string Conf = """
        events {}
        http {
            server {
                listen 80 default_server;
                server_name _;
                location / { return 200 "default"; }
            }
            server {
                listen 80;
                server_name example.com *.example.com www.example.* ~^(?<user>[a-z]+)\.users\.test$;
                location = /exact { return 200 "exact"; }
                location /static/ { return 200 "static prefix"; }
                location ^~ /assets/ { return 200 "assets"; }
                location ~* \.(png|jpg)$ { return 200 "images"; }
                location /api/ {
                    location ~ /api/v[0-9]+/ { return 200 "versioned"; }
                    try_files $uri @backend;
                }
                location @backend { proxy_pass http://127.0.0.1:3000; }
                location /app/ { proxy_pass http://127.0.0.1:4000; }
            }
        }
        """;

    private static RouteResult Route(string url, string? host = null) =>
        RequestRouter.Route(new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { ["/n.conf"] = Conf })).Load("/n.conf"), RouteRequest.Parse(url, null, host));

    [Theory]
    [InlineData("example.com", "exact server_name")]
    [InlineData("a.b.example.com", "leading wildcard server_name")]
    [InlineData("www.example.org", "trailing wildcard server_name")]
    [InlineData("alice.users.test", "regex server_name")]
    [InlineData("other.test", "default_server of the listen")]
    [InlineData("EXAMPLE.com.", "exact server_name")]
    public void Servers_are_chosen_in_nginxs_order(string host, string how) =>
        Assert.Equal(how, Route("http://x/", host).Server!.How);

    [Theory]
    [InlineData("/exact", "exact")]
    [InlineData("/static/logo.png", "images")]
    [InlineData("/assets/logo.png", "assets")]
    [InlineData("/static/app.js", "static prefix")]
    [InlineData("/api/v2/users", "versioned")]
    [InlineData("//static/./x/../app.js", "static prefix")]
    [InlineData("/%73tatic/app.js", "static prefix")]
    public void Locations_are_chosen_as_nginx_does(string path, string id)
    {
        var route = Route("http://example.com" + path);
        Assert.Equal(id, route.Ends.Single(e => e.Directive.Name == "return").Directive.Arg(1));
    }

    [Fact]
    public void A_named_location_behind_try_files_is_an_end_and_captures_are_kept()
    {
        var route = Route("http://example.com/api/users");
        var end = Assert.Single(route.Ends);
        Assert.Equal("proxy_pass", end.Directive.Name);
        Assert.Contains("via try_files @backend", end.How, StringComparison.Ordinal);
        Assert.Equal("alice", Route("http://alice.users.test/").Server!.Captures["user"]);
    }

    [Fact]
    public void A_location_with_a_pass_and_a_trailing_slash_redirects_the_bare_path()
    {
        var route = Route("http://example.com/app");
        Assert.Contains(route.Notes, n => n.Contains("301 redirect to /app/", StringComparison.Ordinal) && n.Contains("follows it to /app/", StringComparison.Ordinal));
        Assert.Equal("/app/", route.Location!.Pattern);
        Assert.Equal("proxy_pass", Assert.Single(route.Ends).Directive.Name);
        Assert.StartsWith("auto redirect", route.Steps[0].How, StringComparison.Ordinal);
    }

    [Fact]
    public void No_server_on_the_port_is_said()
    {
        var route = Route("http://example.com:8080/");
        Assert.Null(route.Server);
        Assert.Contains(route.Notes, n => n.Contains("no server listens on port 8080", StringComparison.Ordinal));
    }
}

public class LogLineLocatorTests
{
    [Fact]
    public void The_upstream_a_logged_path_is_passed_to_is_named_as_nginx_logs_it()
    {
        const string Conf = """
            events {}
            http {
                access_log /var/log/nginx/access.log;
                server {
                    listen 80;
                    location / { proxy_pass http://127.0.0.1:3000/app/; }
                    location ~ \.php$ { fastcgi_pass unix:/run/php/www.sock; }
                    location /grp/ { proxy_pass http://backend; }
                    location /var/ { proxy_pass http://$host:8080; }
                    location /down { return 503; }
                }
            }
            """;
        var config = new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { ["/t.conf"] = Conf })).Load("/t.conf");
        var locator = new LogLineLocator(config, "/var/log/nginx/access.log");
        Assert.Equal("127.0.0.1:3000", locator.Pass("/x", null));
        Assert.Equal("unix:/run/php/www.sock", locator.Pass("/index.php", null));
        Assert.Equal("backend", locator.Pass("/grp/a", null));
        Assert.Null(locator.Pass("/var/a", null));
        Assert.Null(locator.Pass("/down", null));
    }
}
