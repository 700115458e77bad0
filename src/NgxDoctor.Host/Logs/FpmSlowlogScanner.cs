using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>Reads the window of each pool's slowlog (the `slowlog` setting, $pool expanded) into a tally of slow scripts.</summary>
public static class FpmSlowlogScanner
{
    /// <summary><paramref name="root"/>: the master's files (its slowlogs) as it sees them; the host's by default.</summary>
    public static IReadOnlyList<FpmSlowScript> Scan(IReadOnlyList<FpmPool> pools, DateTime since, DateTime until, List<LogScan> scans, Namespaces.InstanceRoot? root = null)
    {
        var tally = new FpmSlowTally();
        foreach (var path in pools.Select(p => p.Get("slowlog")).OfType<string>().Where(p => p.StartsWith('/')).Distinct(StringComparer.Ordinal))
        {
            var scan = ScanOne(root?.Map(path) ?? path, since, until, tally);
            scans.Add(scan with { Path = path });
        }

        return tally.Top(10);
    }

    private static LogScan ScanOne(string path, DateTime since, DateTime until, FpmSlowTally tally)
    {
        long lines = 0, entries = 0;
        DateTime? first = null, last = null;
        (DateTime Time, string Pool, int Pid, long Line)? header = null;
        string? script = null, frame = null;

        void Flush()
        {
            if (header is { } h && script is not null && h.Time >= since && h.Time <= until)
            {
                entries++;
                first ??= h.Time;
                last = h.Time;
                tally.Add(new FpmSlowEntry(h.Time, h.Pool, h.Pid, script, frame, h.Line), path);
            }

            (header, script, frame) = (null, null, null);
        }

        var problem = LogWindow.Read(path, since, l => FpmSlowlog.Header(l)?.Time, line =>
        {
            lines++;
            if (FpmSlowlog.Header(line.Text) is { } h)
            {
                Flush();
                header = (h.Time, h.Pool, h.Pid, line.Number);
            }
            else if (header is not null && script is null && FpmSlowlog.Script(line.Text) is { } s)
            {
                script = s;
            }
            else if (script is not null && frame is null && FpmSlowlog.Frame(line.Text) is { } f)
            {
                frame = f;
            }
        });
        Flush();
        return new LogScan(path, "php-fpm-slowlog", lines, entries, 0, 0, 0, first, last, problem);
    }
}
