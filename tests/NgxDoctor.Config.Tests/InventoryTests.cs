using NgxDoctor.Config.Upstreams;

namespace NgxDoctor.Config.Tests;

public class InventoryTests
{
    private static UpstreamInventory Multisite(out TestFiles files)
    {
        files = new TestFiles();
        files.CopyFixture("multisite");
        return InventoryBuilder.Build(ConfigLoader.LoadFile(files.Path("nginx.conf")));
    }

    /// <summary>Buffer defaults are one page of the diagnosed host, passed in: never the page size of the machine that analyses.</summary>
    [Theory]
    [InlineData(4096, "4k", "8 4k")]
    [InlineData(8192, "8k", "8 8k")]
    [InlineData(65536, "8k", "8 8k")]
    public void Buffer_defaults_follow_the_diagnosed_hosts_page_size(int pageSize, string bufferSize, string buffers)
    {
        var config = ConfigLoader.LoadDump("# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { server { location / { proxy_pass http://127.0.0.1:3000; } } }\n");
        var site = Assert.Single(InventoryBuilder.Build(config, pageSize).Targets).Sites[0];
        Assert.Equal(bufferSize, site.Setting("_buffer_size")!.Value);
        Assert.Equal(buffers, site.Setting("_buffers")!.Value);
    }

    [Fact]
    public void Every_pass_directive_and_group_server_becomes_a_target()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        var addresses = inv.Targets.Select(t => t.Address.Text).ToList();
        Assert.Equal(
        [
            "127.0.0.1:3000", "127.0.0.1:3001", "127.0.0.1:3002", "127.0.0.1:3003",
            "unix:/run/php/php8.2-fpm.sock", "unix:/run/php/php8.2-fpm-2.sock",
            "[::1]:5000", "api.internal.example:8080", "legacy.example.com:443", "$backend",
            "127.0.0.1:50051", "unix:/run/uwsgi/app.sock", "127.0.0.1:11211", "127.0.0.1:4000",
            "unix:/run/gunicorn.sock", "127.0.0.1:9090",
        ], addresses);
    }

    [Fact]
    public void Group_servers_keep_their_parameters_and_the_group_its_keepalive()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        var group = inv.Groups.Single(g => g.Name == "node_app");
        Assert.Equal(32, group.Keepalive);
        Assert.Equal("least_conn", group.Balancer);
        var first = group.Servers[0];
        Assert.Equal("5", first.Parameters["weight"]);
        Assert.Equal("3", first.Parameters["max_fails"]);
        Assert.Equal("30s", first.Parameters["fail_timeout"]);
        Assert.Equal("100", group.Servers[1].Parameters["max_conns"]);
        Assert.True(group.Servers[2].IsBackup);
        Assert.True(group.Servers[3].IsDown);
        Assert.True(inv.Groups.Single(g => g.Name == "api_v6").Servers[1].Parameters.ContainsKey("resolve"));
        var target = inv.Targets.Single(t => t.Address.Text == "127.0.0.1:3000");
        Assert.Equal("node_app", target.Group);
        Assert.Equal(2, target.Sites.Count);
        Assert.EndsWith("10-app.conf", target.Sites[0].Pos.File, StringComparison.Ordinal);
        Assert.Equal(["app.example.com", "www.app.example.com"], target.Sites[0].ServerNames);
        Assert.Equal("/ws/", target.Sites[1].Location);
    }

    [Fact]
    public void Settings_are_inherited_from_http_server_and_location_with_defaults()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        var root = inv.Sites.Single(s => s.Location == "/");
        Assert.Equal("120s", root.Setting("_read_timeout")!.Value);
        Assert.EndsWith("nginx.conf", root.Setting("_read_timeout")!.Pos!.File, StringComparison.Ordinal);
        Assert.Equal("16k", root.Setting("_buffer_size")!.Value);
        Assert.True(root.Setting("_connect_timeout")!.IsDefault);
        Assert.Equal("60s", root.Setting("_connect_timeout")!.Value);
        Assert.Equal("3600s", inv.Sites.Single(s => s.Location == "/ws/").Setting("_read_timeout")!.Value);
        var api = inv.Sites.Single(s => s.Location == "/v1/");
        Assert.Equal("5s", api.Setting("_connect_timeout")!.Value);
        var php = inv.Sites.Single(s => s.Directive == "fastcgi_pass");
        Assert.Equal("300", php.Setting("fastcgi_read_timeout")!.Value);
        Assert.True(php.Setting("fastcgi_buffer_size")!.IsDefault);
        Assert.Contains(php.Settings, s => s.Name == "fastcgi_busy_buffers_size");
        var grpc = inv.Sites.Single(s => s.Directive == "grpc_pass");
        Assert.DoesNotContain(grpc.Settings, s => s.Name == "grpc_buffers");
    }

    [Fact]
    public void Variables_are_dynamic_and_carry_the_resolver_in_force()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        var dyn = inv.Targets.Single(t => t.Address.Kind == UpstreamAddressKind.Variable);
        Assert.Equal("$backend", dyn.Address.Text);
        Assert.Equal("127.0.0.53 valid=30s ipv6=off", dyn.Sites[0].Resolver!.Value);
    }

    [Fact]
    public void Proxy_urls_unix_sockets_and_schemes_are_split()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        var sock = inv.Targets.Single(t => t.Address.Text == "unix:/run/gunicorn.sock");
        Assert.Equal("/run/gunicorn.sock", sock.Address.SocketPath);
        Assert.Equal("/api/", sock.Sites[0].Uri);
        var https = inv.Targets.Single(t => t.Address.Host == "legacy.example.com");
        Assert.Equal("https", https.Protocol);
        Assert.Equal(443, https.Address.Port);
        Assert.Equal(UpstreamAddressKind.Hostname, https.Address.Kind);
        Assert.Equal(UpstreamAddressKind.Ip, inv.Targets.Single(t => t.Address.Text == "[::1]:5000").Address.Kind);
        Assert.Equal("grpc", inv.Targets.Single(t => t.Address.Port == 50051).Protocol);
    }

    [Theory]
    [InlineData("proxy_pass http://backend:8080;", "backend:8080")]
    [InlineData("proxy_pass http://backend;", "127.0.0.1:1")]
    [InlineData("proxy_pass http://10.0.0.1;", "10.0.0.1:80")]
    [InlineData("fastcgi_pass backend;", "127.0.0.1:1")]
    [InlineData("fastcgi_pass 127.0.0.1:9000;", "127.0.0.1:9000")]
    [InlineData("uwsgi_pass uwsgi://127.0.0.1:3031;", "127.0.0.1:3031")]
    public void A_group_name_with_an_explicit_port_is_a_hostname_not_the_group(string pass, string expected)
    {
        using var files = new TestFiles();
        files.Write("nginx.conf", $"events {{}}\nhttp {{\n upstream backend {{ server 127.0.0.1:1; }}\n server {{ location / {{ {pass} }} }}\n}}\n");
        var inv = InventoryBuilder.Build(ConfigLoader.LoadFile(files.Path("nginx.conf")));
        Assert.Equal(expected, Assert.Single(inv.Targets).Address.Text);
    }

    [Fact]
    public void The_user_directive_is_read()
    {
        var inv = Multisite(out var files);
        using var _ = files;
        Assert.Equal("www-data", inv.WorkerUser!.User);
        Assert.Equal("www-data", inv.WorkerUser.Group);
    }
}
