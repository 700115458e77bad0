using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>The FastCGI params nginx would send for a logged request, rebuilt from the configuration.</summary>
public sealed class FastCgiReplayPlanTests
{
    private const string Server = """
        server {
            listen 8080;
            server_name shop.test;
            root /srv/www;
            fastcgi_param SERVER_LEVEL yes;
            location ~ [^/]\.php(/|$) {
                fastcgi_split_path_info ^(.+?\.php)(/.*)$;
                fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                fastcgi_param PATH_INFO $fastcgi_path_info;
                fastcgi_param QUERY_STRING $query_string;
                fastcgi_param REQUEST_URI $request_uri;
                fastcgi_param REMOTE_ADDR $remote_addr;
                fastcgi_param HTTP_COOKIE $http_cookie;
                fastcgi_param HTTPS $https if_not_empty;
                fastcgi_pass unix:/run/php/app.sock;
            }
            location /app/ {
                fastcgi_index index.php;
                fastcgi_pass unix:/run/php/app.sock;
            }
            location ^~ /files/ {
                alias /srv/files/;
                fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                fastcgi_pass unix:/run/php/app.sock;
            }
            location ^~ /rel/ {
                root html;
                fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                fastcgi_pass unix:/run/php/app.sock;
            }
            location /static/ { return 404; }
            location /shop/ { index index.php; try_files $uri $uri/ /shop/index.php?$args; }
        }
        """;

    private static string Line(string request) =>
        $"2026/12/01 21:10:00 [error] 123#123: *5 upstream sent too big header while reading response header from upstream, client: 10.1.2.3, server: shop.test, request: \"{request}\", upstream: \"fastcgi://unix:/run/php/app.sock:\", host: \"shop.test:8080\"";

    private static (FastCgiReplay? Replay, string Why) Plan(string request, string? prefix = "/usr/share/nginx")
    {
        var config = FactsBuilder.Config(Server);
        var target = InventoryBuilder.Build(config).Targets.Single();
        var replay = FastCgiReplayPlan.For(config, target, LoggedRequest.In(Line(request))!, prefix, out var why);
        return (replay, why);
    }

    [Fact]
    public void A_request_nginx_routes_internally_is_replayed_as_the_script_it_reached()
    {
        // try_files falls back to /shop/index.php (the files are not looked at here): the php location's request.
        var replay = Plan("GET /shop/cart?id=7 HTTP/1.1").Replay!;
        Assert.Equal("/srv/www/shop/index.php", replay.Param("SCRIPT_FILENAME"));
        Assert.Equal("/shop/cart?id=7", replay.Param("REQUEST_URI"));
        Assert.Equal("id=7", replay.Param("QUERY_STRING"));
    }

    [Fact]
    public void A_regex_location_splits_the_path_info_and_sends_the_clients_query_and_address()
    {
        var replay = Plan("GET /app/index.php/orders?page=2 HTTP/1.1").Replay!;
        Assert.Equal("/srv/www/app/index.php", replay.Param("SCRIPT_FILENAME"));
        Assert.Equal("/orders", replay.Param("PATH_INFO"));
        Assert.Equal("page=2", replay.Param("QUERY_STRING"));
        Assert.Equal("/app/index.php/orders?page=2", replay.Param("REQUEST_URI"));
        Assert.Equal("10.1.2.3", replay.Param("REMOTE_ADDR"));
        Assert.Equal("GET /app/index.php/orders?page=2", replay.Request);
    }

    [Fact]
    public void What_only_the_client_had_is_sent_empty_and_named_and_if_not_empty_params_are_left_out()
    {
        var replay = Plan("GET /a.php HTTP/1.1").Replay!;
        Assert.Equal("", replay.Param("HTTP_COOKIE"));
        Assert.Equal(["$http_cookie"], replay.Unknown);
        Assert.Null(replay.Param("HTTPS"));
    }

    [Fact]
    public void Params_of_a_block_are_inherited_only_by_a_location_without_its_own()
    {
        Assert.Null(Plan("GET /a.php HTTP/1.1").Replay!.Param("SERVER_LEVEL"));
        var app = Plan("GET /app/ HTTP/1.1").Replay!;
        Assert.Equal("yes", app.Param("SERVER_LEVEL"));
        Assert.Single(app.Params);
    }

    [Fact]
    public void A_uri_ending_in_a_slash_gets_fastcgi_index_and_a_relative_root_the_prefix()
    {
        var config = FactsBuilder.Config(Server.Replace("location /app/ {", "location /app/ {\n fastcgi_param SCRIPT_NAME $fastcgi_script_name;", StringComparison.Ordinal));
        var target = InventoryBuilder.Build(config).Targets.Single();
        Assert.Equal("/app/index.php", FastCgiReplayPlan.For(config, target, LoggedRequest.In(Line("GET /app/ HTTP/1.1"))!, null, out _)!.Param("SCRIPT_NAME"));
        Assert.Equal("/usr/share/nginx/html/rel/x.php", Plan("GET /rel/x.php HTTP/1.1").Replay!.Param("SCRIPT_FILENAME"));
    }

    [Theory]
    [InlineData("POST /a.php HTTP/1.1", "the logged POST is not sent again: not a safe method", "/usr/share/nginx")]
    [InlineData("GET /files/a.php HTTP/1.1", "the location uses alias", "/usr/share/nginx")]
    [InlineData("GET /rel/x.php HTTP/1.1", "root html is relative and nginx's prefix is not known", null)]
    [InlineData("GET /static/x HTTP/1.1", "/static/x does not reach a location that passes to unix:/run/php/app.sock", "/usr/share/nginx")]
    public void What_cannot_be_rebuilt_is_not_sent_and_says_why(string request, string why, string? prefix)
    {
        var (replay, reason) = Plan(request, prefix);
        Assert.Null(replay);
        Assert.StartsWith(why, reason, StringComparison.Ordinal);
    }
}
