using System.IO.Compression;
using NgxDoctor.Config;

namespace NgxDoctor.Host.Logs;

/// <summary>How a log is opened: regular files only, gzip by name or magic bytes, other compressions refused by name.</summary>
public sealed partial class LogLineReader
{
    /// <summary>Throws <see cref="IOException"/> with the reason for anything that is not a regular file (never opening a FIFO or device).</summary>
    public static void EnsureRegular(string path)
    {
        var status = UnixFileStatus.Of(path);
        if (status.Kind != UnixFileKind.Regular)
        {
            throw new IOException(status.Kind == UnixFileKind.Missing
                ? $"{path}: {ConfigText.ErrnoText(status.Errno)}"
                : $"{path}: {RegularFile.Describe(status.Kind)}, not a regular file; not read");
        }
    }

    /// <summary>Opens a log; throws <see cref="IOException"/> with the reason for anything that is not a readable regular file.</summary>
    public static LogLineReader Open(string path, long offset = 0, long firstLine = 1, long end = long.MaxValue)
    {
        EnsureRegular(path);
        var file = Config.RegularFile.Open(path);
        var rotated = path.EndsWith(".gz", StringComparison.Ordinal);
        var compression = LogFileBytes.CompressionOf(file);
        if (compression is not null and not LogFileBytes.Gzip)
        {
            file.Dispose();
            throw new IOException($"{path}: {compression}-compressed; ngxdoctor reads plain and gzip logs (read it after `{compression} -dk {Path.GetFileName(path)}`)");
        }

        if (rotated || compression == LogFileBytes.Gzip)
        {
            // The trailer's size checks a logrotate .gz (one member); nginx's own gzip logs are many members.
            return new LogLineReader(path, new GZipStream(file, CompressionMode.Decompress), 0, MaxDecompressedBytes, firstLine)
            {
                GzipSize = rotated ? LogFileBytes.GzipTrailerSize(file) : null,
                Compressed = file,
            };
        }

        file.Seek(offset, SeekOrigin.Begin);
        return new LogLineReader(path, file, offset, Math.Min(end, file.Length), firstLine);
    }

    /// <summary>A gzip file, by name or by its magic bytes (<see cref="LogFileBytes.IsCompressed"/>).</summary>
    public static bool IsCompressed(string path) => LogFileBytes.IsCompressed(path);
}
