using System.Globalization;
using NgxDoctor.Config.PhpFpm;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// The requests a PHP-FPM master's pools are serving right now: the connections its children accepted and hold, in
/// the master's network namespace (/proc/PID/net): a unix socket's accepted ends carry the listener's path in
/// /proc/net/unix, connected (state 03); a TCP pool's are ESTABLISHED to its port in /proc/net/tcp and tcp6.
/// </summary>
public static class FpmInFlight
{
    public static int Count(int masterPid, PhpFpmConfig config, string proc = "/proc")
    {
        var net = Path.Combine(proc, masterPid.ToString(CultureInfo.InvariantCulture), "net");
        var count = 0;
        foreach (var pool in config.Pools)
        {
            var listen = pool.Get("listen");
            if (listen is null)
            {
                continue;
            }

            count += listen.StartsWith('/') ? Unix(Read(Path.Combine(net, "unix")), listen)
                : Port(listen) is { } port ? Tcp(Read(Path.Combine(net, "tcp")), port) + Tcp(Read(Path.Combine(net, "tcp6")), port) : 0;
        }

        return count;
    }

    /// <summary>Lines of /proc/net/unix whose path is the pool's socket and whose state is connected: accepted, being served.</summary>
    public static int Unix(IEnumerable<string> lines, string path) =>
        lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Count(f => f.Length >= 8 && f[5] == "03" && f[7] == path);

    /// <summary>ESTABLISHED connections whose local port is the pool's.</summary>
    public static int Tcp(IEnumerable<string> lines, int port) =>
        lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length >= 4 && f[3] == "01" && f[1].LastIndexOf(':') is var c and > 0
                && int.TryParse(f[1][(c + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) && p == port);

    private static int? Port(string listen) =>
        int.TryParse(listen[(listen.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    private static IEnumerable<string> Read(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
