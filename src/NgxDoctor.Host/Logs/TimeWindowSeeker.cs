using System.Text;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Finds where the lines at or after a time begin in an error log, by bisecting on the timestamps at line
/// starts, so asking for the last 15 minutes of a 1 GB log costs a few seeks, not a scan. Also counts the
/// newlines before that point (fast, vectorised) so evidence keeps its line numbers.
/// </summary>
public static class TimeWindowSeeker
{
    private const int Probe = 8192;

    public static (long Offset, long FirstLine) Seek(string path, DateTime since) => Seek(path, since, ErrorLogTime);

    /// <summary>The same for any line format, given how to read a line's time.</summary>
    public static (long Offset, long FirstLine) Seek(string path, DateTime since, Func<string, DateTime?> timeOf)
    {
        using var file = Config.RegularFile.Open(path, bufferSize: 4096);
        var size = file.Length;
        if (size < 4 * Probe)
        {
            return (0, 1);
        }

        long lo = 0, hi = size;
        var buf = new byte[Probe];
        while (hi - lo > Probe)
        {
            var mid = lo + ((hi - lo) / 2);
            var t = FirstTimeAfter(file, mid, buf, timeOf);
            if (t is null || t.Value >= since)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        var start = LineStartAtOrAfter(file, lo, buf);
        return (start, CountNewlines(file, start) + 1);
    }

    /// <summary>The timestamp of the first entry that starts after <paramref name="offset"/> (within one probe's bytes).</summary>
    private static DateTime? ErrorLogTime(string line) => ErrorLogParser.TryTime(line, out var t) ? t : null;

    private static DateTime? FirstTimeAfter(FileStream file, long offset, byte[] buf, Func<string, DateTime?> timeOf)
    {
        file.Seek(offset, SeekOrigin.Begin);
        var n = file.Read(buf, 0, buf.Length);
        var span = buf.AsSpan(0, n);
        var pos = 0;
        if (offset > 0)
        {
            var nl = span.IndexOf((byte)'\n');
            if (nl < 0)
            {
                return null;
            }

            pos = nl + 1;
        }

        while (pos < n)
        {
            var rest = span[pos..];
            var next = rest.IndexOf((byte)'\n');
            if (next < 0)
            {
                return null;
            }

            if (timeOf(Encoding.UTF8.GetString(rest[..next])) is { } time)
            {
                return time;
            }

            pos += next + 1;
        }

        return null;
    }

    private static long LineStartAtOrAfter(FileStream file, long offset, byte[] buf)
    {
        if (offset == 0)
        {
            return 0;
        }

        file.Seek(offset - 1, SeekOrigin.Begin);
        while (true)
        {
            var n = file.Read(buf, 0, buf.Length);
            if (n == 0)
            {
                return file.Length;
            }

            var nl = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                return file.Position - n + nl + 1;
            }
        }
    }

    /// <summary>Newlines in [0, end), counted with one reader per core.</summary>
    private static long CountNewlines(FileStream file, long end)
    {
        var parts = end < (64L << 20) ? 1 : Environment.ProcessorCount;
        var counts = new long[parts];
        Parallel.For(0, parts, i =>
        {
            // Positional reads of the descriptor already open (pread): the file that was checked, not its name again.
            var from = end * i / parts;
            var to = end * (i + 1) / parts;
            var buf = new byte[1 << 20];
            var read = from;
            while (read < to)
            {
                var n = RandomAccess.Read(file.SafeFileHandle, buf.AsSpan(0, (int)Math.Min(buf.Length, to - read)), read);
                if (n == 0)
                {
                    break;
                }

                counts[i] += buf.AsSpan(0, n).Count((byte)'\n');
                read += n;
            }
        });
        return counts.Sum();
    }
}
