using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Tests;

/// <summary>A container's files through its root: its symlinks resolve inside it, never toward the host's files.</summary>
public sealed class InstanceRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ngxdoctor-root-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void Absolute_and_climbing_symlinks_stay_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/nginx/conf.d"));
        Directory.CreateDirectory(Path.Combine(_root, "srv"));
        File.WriteAllText(Path.Combine(_root, "etc/shadow"), "the container's own");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/nginx/absolute"), "/etc/shadow");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/nginx/climbing"), "../../../../../../etc/shadow");
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc/nginx/sites"), "/srv");
        File.WriteAllText(Path.Combine(_root, "srv/app.conf"), "server {}");
        var root = new InstanceRoot(_root);

        Assert.Equal(Path.Combine(_root, "etc/shadow"), root.Map("/etc/nginx/absolute"));
        Assert.Equal(Path.Combine(_root, "etc/shadow"), root.Map("/etc/nginx/climbing"));
        Assert.Equal(Path.Combine(_root, "srv/app.conf"), root.Map("/etc/nginx/sites/app.conf"));
        Assert.Equal(Path.Combine(_root, "etc/nginx/missing.conf"), root.Map("/etc/nginx/missing.conf"));
        Assert.Equal("/etc/nginx/x", root.Unmap(root.Map("/etc/nginx/x")));
        Assert.Equal("/etc/passwd", InstanceRoot.Host.Map("/etc/passwd"));
    }

    [Fact]
    public void Only_root_s_engine_socket_is_believed()
    {
        var path = Path.Combine(_root, "docker.sock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        using (var ours = DockerEngine.FromEnvironment(out var none, $"unix://{path}"))
        {
            Assert.True(ours is not null, none);
        }

        var link = Path.Combine(_root, "link.sock");
        File.CreateSymbolicLink(link, path);
        Assert.Null(DockerEngine.FromEnvironment(out var why, $"unix://{link}"));
        Assert.Contains("not a socket of root's", why, StringComparison.Ordinal);
        Assert.Null(DockerEngine.FromEnvironment(out var remote, "tcp://10.0.0.1:2375"));
        Assert.Contains("not a unix socket", remote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_loop_ends()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "/b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "/a");
        Assert.StartsWith(_root, new InstanceRoot(_root).Map("/a/x"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_read_through_the_root_keeps_the_instance_paths_and_its_includes()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/nginx/conf.d"));
        File.WriteAllText(Path.Combine(_root, "etc/nginx/nginx.conf"), "events {}\nhttp { include /etc/nginx/conf.d/*.conf; }\n");
        File.WriteAllText(Path.Combine(_root, "etc/nginx/conf.d/app.conf"), "server { listen 80; location / { proxy_pass http://php:9000; } }\n");
        var config = new NgxDoctor.Config.ConfigLoader(new RootedConfigSource(new InstanceRoot(_root))).Load("/etc/nginx/nginx.conf");
        Assert.Contains("/etc/nginx/conf.d/app.conf", config.Files.Keys);
        Assert.DoesNotContain(config.Files.Keys, f => f.StartsWith(_root, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("12:pids:/docker/3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a\n", "docker")]
    [InlineData("0::/system.slice/docker-3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a.scope\n", "docker")]
    [InlineData("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a.scope\n", "containerd")]
    [InlineData("11:memory:/kubepods/burstable/pod0b1c/3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a\n", "containerd")]
    [InlineData("0::/machine.slice/libpod-3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a.scope\n", "podman")]
    [InlineData("0::/system.slice/crio-3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a.scope\n", "cri-o")]
    public void Every_runtime_s_cgroup_layout_names_the_container(string cgroup, string runtime)
    {
        var c = CgroupContainer.Parse(cgroup);
        Assert.NotNull(c);
        Assert.Equal(runtime, c.Runtime);
        Assert.Equal("3f2a9c0d1e2b", c.ShortId);
    }

    [Fact]
    public void A_host_process_is_in_no_container()
    {
        Assert.Null(CgroupContainer.Parse("0::/user.slice/user-0.slice/session-1.scope\n12:memory:/\n"));
        Assert.Null(CgroupContainer.Parse("4:memory:/process_api/99588d0808acdbb43287894789912867\n"));
        var m = CgroupContainer.FromMounts("612 600 0:45 /var/lib/docker/containers/3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a9c0d1e2b3f2a/resolv.conf /etc/resolv.conf rw - ext4 /dev/vda1 rw\n");
        Assert.Equal("docker", m?.Runtime);
    }

    [Fact]
    public void Resolv_conf_and_hosts_are_read_as_the_resolver_does()
    {
        var conf = ResolvConf.Parse("# generated\nnameserver 127.0.0.11\nsearch app_default svc.cluster.local\noptions ndots:5\n");
        Assert.Equal("127.0.0.11", Assert.Single(conf.Servers).ToString());
        Assert.Equal(["php.app_default", "php.svc.cluster.local", "php"], conf.Candidates("php").ToArray());
        Assert.Equal(["10.0.0.5"], HostsFile.Find("127.0.0.1 localhost\n10.0.0.5 db db.local # the database\n", "db").Select(a => a.ToString()));
    }

    [Fact]
    public void A_dns_answer_is_read_back_from_its_wire_format()
    {
        var q = DnsWire.Query(0x1234, "php", DnsWire.TypeA);
        // The answer: the question echoed, then one A record pointing at it by a compression pointer.
        var answer = q.ToList();
        answer[2] = 0x81;
        answer[3] = 0x80;
        answer[7] = 1;
        answer.AddRange([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 172, 28, 0, 5]);
        var (code, addresses) = DnsWire.Answer(answer.ToArray(), 0x1234)!.Value;
        Assert.Equal(0, code);
        Assert.Equal("172.28.0.5", Assert.Single(addresses).ToString());
        Assert.Null(DnsWire.Answer(answer.ToArray(), 0x4321));
    }
}
