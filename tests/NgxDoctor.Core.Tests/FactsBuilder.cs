using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests;

/// <summary>Facts for check fixtures: a configuration text plus what the host would have shown.</summary>
public static class FactsBuilder
{
    public const string ConfigFile = "/etc/nginx/nginx.conf";

    public static readonly WorkerIdentity WwwData = new("www-data", 33, 33, "www-data", [33], "/proc/101/status");

    /// <summary>The configuration <see cref="FromConfig"/> builds its facts from (fixers plan against it).</summary>
    public static NginxConfig Config(string httpBody, string events = "") =>
        new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { [ConfigFile] = $"user www-data;\nevents {{ {events} }}\nhttp {{\n{httpBody}\n}}\n" })).Load(ConfigFile);

    public static DiagnosisFacts FromConfig(string httpBody, string events = "")
    {
        var config = Config(httpBody, events);
        return new DiagnosisFacts
        {
            CollectedAt = DateTimeOffset.Parse("2026-11-28T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Hostname = "web1",
            ConfigFile = ConfigFile,
            Inventory = InventoryBuilder.Build(config),
            ConfigDiagnostics = config.Diagnostics,
            Instance = new NginxInstance(100, "/usr/sbin/nginx", "nginx: master process /usr/sbin/nginx", null, null, [], [101], 1024),
            Worker = WwwData,
            Listeners = [],
            Probes = [],
            WorkerProbes = [],
            ConfigTest = new ConfigTestResult("nginx -t", 0, "nginx: configuration file /etc/nginx/nginx.conf test is successful"),
            Logs = new LogFacts(Now, TimeSpan.FromMinutes(15), [], []) { Access = new AccessFacts([], [], [], [], []) { Attributed = true } },
            OomKills = [],
            HttpProbes = [],
            FastCgiProbes = [],
            Dns = [],
            Connections = [],
            System = new SystemFacts { Somaxconn = 4096, EphemeralLow = 32768, EphemeralHigh = 60999, MemTotalKb = 8_000_000, MemAvailableKb = 4_000_000, SwapTotalKb = 0, SwapFreeKb = 0 },
        };
    }

    /// <summary>A name looked up: by the system resolver unless a resolver server ("127.0.0.1:53") is given.</summary>
    public static DiagnosisFacts Resolve(this DiagnosisFacts f, string name, string outcome, string[] addresses, string server = DnsLookup.System) =>
        f with { Dns = [.. f.Dns!, new DnsLookup(name, server, outcome, addresses, 0.4, addresses.Length > 0 ? string.Join(", ", addresses) : outcome)] };

    public static readonly DateTime Now = new(2026, 11, 28, 3, 0, 0);

    /// <summary>An incident of the error log: <paramref name="count"/> entries, the last one <paramref name="minutesAgo"/> before now.</summary>
    public static DiagnosisFacts Log(this DiagnosisFacts f, NgxDoctor.Core.Logs.FailureKind kind, Diagnosis.Cause? cause, string? upstream, int count = 3, double minutesAgo = 0.5, int? status = 502, string phase = "header")
    {
        var last = Now.AddMinutes(-minutesAgo);
        var line = $"{last:yyyy/MM/dd HH:mm:ss} [error] 101#101: *7 {kind.Code()} example line, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://{upstream}/\"";
        var incident = new LogIncident(kind, cause, phase, status, upstream, count, last.AddMinutes(-5), last, [new LogSample("/var/log/nginx/error.log:42", line)]);
        return f with { Logs = f.Logs! with { Incidents = [.. f.Logs.Incidents, incident] } };
    }

    public static DiagnosisFacts Probe(this DiagnosisFacts f, string target, ProbeOutcome outcome, string detail = "")
    {
        var method = target.StartsWith("unix:", StringComparison.Ordinal) ? "unix" : "tcp";
        var text = detail.Length > 0 ? detail : outcome.ToString().ToLowerInvariant();
        return f with { Probes = [.. f.Probes!, new ProbeResult(target, method, outcome, 0.2, text)] };
    }

    public static DiagnosisFacts Listen(this DiagnosisFacts f, string display, string process, int pid = 500, string? cmdline = null)
    {
        var proc = new ProcessInfo(pid, process, cmdline ?? process, 33, 1);
        Listener l;
        if (display.StartsWith("unix:", StringComparison.Ordinal))
        {
            l = new Listener("unix", null, null, display[5..], 1, [proc]);
        }
        else
        {
            var colon = display.LastIndexOf(':');
            var address = display[..colon].Trim('[', ']');
            l = new Listener(address.Contains(':', StringComparison.Ordinal) ? "tcp6" : "tcp", address == "*" ? "0.0.0.0" : address, int.Parse(display[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), null, 1, [proc]);
        }

        return f with { Listeners = [.. f.Listeners!, l] };
    }

    /// <summary>A socket with owner/group/mode under directories that are root:root 0755 unless given.</summary>
    public static DiagnosisFacts Socket(this DiagnosisFacts f, string path, uint uid, uint gid, int mode, string owner, string group, int dirMode = 0x1ed)
    {
        var dirs = SocketPathFacts.DirectoriesAbove(path)
            .Select(d => new PathEntry(d, "directory", 0, 0, d == Path.GetDirectoryName(path) ? dirMode : 0x1ed, "root", "root"))
            .ToList();

        var socket = new PathEntry(path, "socket", uid, gid, 0xc000 | mode, owner, group);
        return f with { SocketPaths = [.. f.SocketPaths, new SocketPathFacts(path, null, socket, dirs, null)] };
    }

    /// <summary>A running PHP-FPM master (pid 700) with a pool of this name configured to `listen` here.</summary>
    public static DiagnosisFacts FpmPool(this DiagnosisFacts f, string pool, string listen, string? allowedClients = null)
    {
        const string file = "/etc/php/8.3/fpm/pool.d/www.conf";
        var settings = new Dictionary<string, Config.PhpFpm.FpmSetting> { ["listen"] = new(listen, new SourcePos(file, 41)) };
        if (allowedClients is not null)
        {
            settings["listen.allowed_clients"] = new(allowedClients, new SourcePos(file, 42));
        }

        var instance = new FpmInstance(700, "/etc/php/8.3/fpm/php-fpm.conf", [new Config.PhpFpm.FpmPool(pool, settings, new SourcePos(file, 4))], null, null);
        return f with { PhpFpm = [.. f.PhpFpm, instance] };
    }

    public static DiagnosisFacts MissingSocket(this DiagnosisFacts f, string path) =>
        f with { SocketPaths = [.. f.SocketPaths, new SocketPathFacts(path, null, null, [], "no such file (no such file or directory)")] };

    public static DiagnosisFacts ConfigTestFails(this DiagnosisFacts f, string output) =>
        f with { ConfigTest = new ConfigTestResult("nginx -t -c /etc/nginx/nginx.conf", 1, output) };
}
