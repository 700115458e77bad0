using System.Net;
using System.Net.Sockets;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Tests;

/// <summary>
/// `nginx -t` binds every free `listen` address while it runs. The collector must not see those sockets: an
/// upstream on a port of nginx's own config (a common "proxy to the other server block") would look alive.
/// </summary>
public sealed class ConfigTestIsolationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-nginx-t-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task The_sockets_of_nginx_t_are_neither_listeners_nor_probed_upstreams()
    {
        var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        var conf = Path.Combine(_dir, "nginx.conf");
        await File.WriteAllTextAsync(conf, $"pid {_dir}/nginx.pid;\nerror_log {_dir}/error.log;\nevents {{}}\nhttp {{\n access_log off;\n"
            + $" server {{ listen 127.0.0.1:{port}; return 200; }}\n server {{ listen 127.0.0.1:{port + 1}; location / {{ proxy_pass http://127.0.0.1:{port}; }} }}\n}}\n");

        for (var i = 0; i < 10; i++)
        {
            var facts = (await FactsCollector.CollectAsync(await NgxDoctor.Host.Diagnosis.DiagnosisService.LocateAsync(conf, default), new CollectOptions())).Facts;
            Assert.NotNull(facts.ConfigTest);
            Assert.Equal(0, facts.ConfigTest.ExitCode);
            Assert.DoesNotContain(facts.Listeners!, l => l.Port == port || l.Port == port + 1);
            Assert.Equal(ProbeOutcome.Refused, Assert.Single(facts.Probes!).Outcome);
        }
    }
}
