using System.Diagnostics;
using System.Globalization;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Host;
using NgxDoctor.Host.Lab;
using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Bench;

/// <summary>
/// Figures for the README, each beside a peer measured in the same run: parsing 10,000 server blocks
/// against `nginx -t` on the same file; a whole diagnosis of 50 upstreams, healthy and blackholed.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var servers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var nginx = NginxBinary.Locate() ?? throw new InvalidOperationException("nginx is needed for the peer figures");
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-bench-").FullName;
        try
        {
            var conf = WriteConfig(dir, servers);
            var lines = File.ReadAllLines(conf).Length;
            Console.WriteLine($"config: {servers} server blocks, {lines} lines, {new FileInfo(conf).Length / 1024} KiB");

            var ours = Median(7, () =>
            {
                var inventory = InventoryBuilder.Build(ConfigLoader.LoadFile(conf));
                if (inventory.Sites.Count != 2 * servers)
                {
                    throw new InvalidOperationException("wrong site count");
                }
            });
            var peer = Median(3, () =>
            {
                var r = CommandRunner.RunAsync(nginx, ["-t", "-q", "-c", conf, "-e", "stderr"], TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
                if (r.ExitCode != 0)
                {
                    throw new InvalidOperationException(r.Output);
                }
            });
            Console.WriteLine($"parse + inventory (ngxdoctor, median of 7): {ours.TotalMilliseconds,8:0.0} ms");
            Console.WriteLine($"nginx -t on the same file (median of 3):   {peer.TotalMilliseconds,8:0.0} ms");
            Console.WriteLine($"ratio ngxdoctor / nginx -t: {ours / peer:0.00}");

            await DiagnoseFiftyAsync("serve");
            await DiagnoseFiftyAsync("blackhole");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string WriteConfig(string dir, int servers)
    {
        var sb = new StringBuilder($"pid {dir}/nginx.pid;\nerror_log {dir}/error.log;\nevents {{ worker_connections 4096; }}\nhttp {{\n access_log off;\n proxy_read_timeout 30s;\n server_names_hash_max_size 65536;\n");
        for (var i = 0; i < servers; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $" server {{\n  listen 127.0.0.1:{20000 + (i % 100)};\n  server_name s{i}.example.com www.s{i}.example.com;\n");
            sb.Append(CultureInfo.InvariantCulture, $"  location / {{\n   proxy_pass http://127.0.0.1:{3000 + (i % 100)};\n   proxy_set_header Host \"$host\";\n  }}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  location ~ \\.php$ {{ fastcgi_pass unix:/run/php/php8.2-fpm.sock; fastcgi_read_timeout {30 + (i % 60)}s; }}\n }}\n");
        }

        sb.Append("}\n");
        var path = Path.Combine(dir, "nginx.conf");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static async Task DiagnoseFiftyAsync(string mode)
    {
        using var lab = NginxLab.Create();
        var ports = Enumerable.Range(0, 50).Select(_ => LabProcess.FreePort()).Distinct().ToList();
        var python = DemoScenario.FindOnPath("python3") ?? throw new InvalidOperationException("python3 is needed");
        var backend = lab.StartProcess(python, [Path.Combine(AppContext.BaseDirectory, "many_ports.py"), mode, .. ports.Select(p => p.ToString(CultureInfo.InvariantCulture))]);
        for (var i = 0; i < 100 && !backend.Output.Contains("ready", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        var locations = string.Join("\n", ports.Select((p, i) => $"location /u{i}/ {{ proxy_pass http://127.0.0.1:{p}; }}"));
        lab.WriteConfig($"server {{ listen 127.0.0.1:{lab.Port}; {locations} }}");
        await lab.StartAsync();
        var clock = Stopwatch.StartNew();
        var located = await NgxDoctor.Host.Diagnosis.DiagnosisService.LocateAsync(lab.ConfigFile, default);
        var facts = (await FactsCollector.CollectAsync(located, new CollectOptions { ProbeTimeout = TimeSpan.FromSeconds(2) })).Facts;
        var report = DiagnosisEngine.Diagnose(facts);
        Console.WriteLine($"diagnose, {facts.Inventory.Targets.Count} upstreams {mode,-9} (in process, probe timeout 2 s): {clock.Elapsed.TotalMilliseconds,8:0.0} ms, status {report.Status}, {report.Findings.Count} finding(s)");
    }

    private static TimeSpan Median(int runs, Action action)
    {
        action();
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed);
        }

        times.Sort();
        return times[runs / 2];
    }
}
