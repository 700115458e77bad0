using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>Which processes look like application backends, and which are system daemons or tooling that never are.</summary>
public static class BackendKinds
{
    private static readonly string[] Known =
    [
        "php-fpm", "php", "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress", "uwsgi", "python", "node", "nodejs",
        "bun", "deno", "java", "ruby", "puma", "unicorn", "passenger", "perl", "starman", "dotnet", "beam.smp", "mono",
    ];

    private static readonly string[] NeverBackends =
    [
        "nginx", "sshd", "systemd", "dnsmasq", "named", "unbound", "postgres", "mysqld", "mariadbd", "redis-server",
        "memcached", "mongod", "master", "exim4", "dovecot", "containerd", "dockerd", "cupsd", "rpcbind", "chronyd",
        "avahi-daemon", "smbd", "nmbd", "sssd", "snmpd", "process_api", "ntpd", "rsyslogd", "cron", "init",
    ];

    private static readonly string[] ToolingCommandLines = ["vstest", "testhost", "MSBuild.dll", "VBCSCompiler", "csc.dll", "dotnet-build", "omnisharp"];

    /// <summary>"php-fpm" for "php-fpm8.2", "python" for "python3.11", the process name otherwise.</summary>
    public static string KindOf(ProcessInfo process)
    {
        var name = process.Name;
        if (name.StartsWith("php-fpm", StringComparison.Ordinal))
        {
            return "php-fpm";
        }

        var cmd = process.CommandLine;
        foreach (var k in new[] { "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress", "uwsgi", "puma", "unicorn" })
        {
            if (name.Contains(k, StringComparison.Ordinal) || cmd.Contains(k, StringComparison.Ordinal))
            {
                return k;
            }
        }

        var trimmed = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');
        return trimmed.Length == 0 ? name : trimmed;
    }

    public static bool IsKnownBackend(ProcessInfo process) => Known.Contains(KindOf(process)) && !IsTooling(process);

    public static bool IsNeverBackend(ProcessInfo process) =>
        IsTooling(process) || NeverBackends.Any(n => process.Name == n || process.Name.StartsWith(n + "-", StringComparison.Ordinal) || process.Name.StartsWith("systemd", StringComparison.Ordinal));

    private static readonly ProcessVerdict Tooling = new(p => ToolingCommandLines.Any(t => p.CommandLine.Contains(t, StringComparison.OrdinalIgnoreCase)));

    private static bool IsTooling(ProcessInfo process) => Tooling.Of(process);

    private static readonly string[] UnixSocketServers = ["php-fpm", "gunicorn", "uvicorn", "hypercorn", "daphne", "uwsgi", "puma", "unicorn", "passenger", "node"];

    /// <summary>Kinds that commonly serve HTTP or FastCGI on a unix socket.</summary>
    public static bool ServesUnixSockets(string kind) => UnixSocketServers.Contains(kind);

    /// <summary>The backend kind a pass directive expects, when it implies one (fastcgi_pass: PHP-FPM).</summary>
    public static string? ExpectedKind(string protocol) => protocol switch
    {
        "fastcgi" => "php-fpm",
        "uwsgi" or "suwsgi" => "uwsgi",
        _ => null,
    };
}
