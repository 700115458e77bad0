using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>A log and its rotated siblings (error.log.1, error.log.2.gz ...), oldest first, limited to those the window reaches.</summary>
public static class RotatedLogs
{
    public const int MaxSiblings = 30;

    public static IReadOnlyList<string> Window(string path, DateTime since) => Window(path, since, line => ErrorLogParser.TryTime(line, out var t) ? t : null);

    public static IReadOnlyList<string> Window(string path, DateTime since, Func<string, DateTime?> timeOf)
    {
        var chain = new List<string> { path };
        for (var i = 1; i <= MaxSiblings; i++)
        {
            var plain = $"{path}.{i}";
            // Compressed otherwise than gzip (logrotate's compresscmd) is in the chain, to be reported as not read.
            // A sibling is a regular file of the log's owner or root, never a symlink: the log's directory may be another user's.
            var next = new[] { plain, plain + ".gz", plain + ".bz2", plain + ".xz", plain + ".zst", plain + ".lz4" }.FirstOrDefault(f => SameKind(f, path));
            if (next is null)
            {
                break;
            }

            chain.Add(next);
        }

        // Newest first: stop at the first file that already starts before the window.
        var needed = new List<string>();
        foreach (var file in chain)
        {
            needed.Add(file);
            if (FirstTime(file, timeOf) is { } t && t <= since)
            {
                break;
            }
        }

        needed.Reverse();
        return needed;
    }

    private static bool SameKind(string sibling, string log)
    {
        var s = Config.UnixFileStatus.Of(sibling, followSymlinks: false);
        return s.Kind == Config.UnixFileKind.Regular && (s.Uid == 0 || s.Uid == Config.UnixFileStatus.Of(log).Uid);
    }

    private static DateTime? FirstTime(string file, Func<string, DateTime?> timeOf)
    {
        try
        {
            using var reader = LogLineReader.Open(file);
            for (var i = 0; i < 50 && reader.TryRead(out var line); i++)
            {
                if (timeOf(line.Text) is { } t)
                {
                    return t;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }

        return null;
    }
}
