namespace NgxDoctor.Host.Logs;

/// <summary>What a log file's bytes say before it is read as lines: its compression (by magic bytes), a gzip
/// trailer's size, whether a gzip holds several members, where a sparse file's data starts again.</summary>
internal static partial class LogFileBytes
{
    /// <summary>A gzip file, by name or (for `access_log ... gzip`, whose file name need not end in .gz) by its magic bytes.</summary>
    public static bool IsCompressed(string path)
    {
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            using var file = Config.RegularFile.Open(path, bufferSize: 4096);
            return CompressionOf(file) == Gzip;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public const string Gzip = "gzip";

    /// <summary>
    /// A compression by its magic bytes: gzip (`access_log ... gzip` writes it into a file whose name need not end in
    /// .gz), or one logrotate can be told to use instead (compresscmd), named as its tool is; null for plain text.
    /// </summary>
    public static string? CompressionOf(FileStream file)
    {
        Span<byte> magic = stackalloc byte[6];
        var n = file.Read(magic);
        file.Seek(0, SeekOrigin.Begin);
        return magic[..n] switch
        {
            [0x1f, 0x8b, ..] => Gzip,
            [(byte)'B', (byte)'Z', (byte)'h', ..] => "bzip2",
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00] => "xz",
            [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd",
            [0x04, 0x22, 0x4d, 0x18, ..] => "lz4",
            _ => null,
        };
    }

    /// <summary>
    /// Whether a gzip file holds more than one member (gzip -c a b, nginx's own gzip logs): the trailer then gives the
    /// last member's size, not the whole. Found by a second gzip header (1f 8b 08 with a valid flag byte) after the first.
    /// </summary>
    public static bool HasSecondMember(FileStream file)
    {
        var buffer = new byte[1 << 16];
        file.Seek(1, SeekOrigin.Begin);
        int n;
        while ((n = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, n);
            for (var at = span.IndexOf((byte)0x1f); at >= 0 && at + 3 < n; at = span[(at + 1)..].IndexOf((byte)0x1f) is var next && next >= 0 ? at + 1 + next : -1)
            {
                if (span[at + 1] == 0x8b && span[at + 2] == 0x08 && (span[at + 3] & 0xe0) == 0)
                {
                    return true;
                }
            }

            if (n > 3)
            {
                file.Seek(-3, SeekOrigin.Current);
            }

            if (n < buffer.Length)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>Where data starts again at or after <paramref name="offset"/> (lseek SEEK_DATA), the file's length past the last data, null where the file system cannot tell.</summary>
    public static long? NextData(FileStream file, long offset)
    {
        var r = Lseek(file.SafeFileHandle, offset, 3);
        return r >= 0 ? r : System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == 6 ? file.Length : null;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Lseek(Microsoft.Win32.SafeHandles.SafeFileHandle fd, long offset, int whence);

    public static uint? GzipTrailerSize(FileStream file)
    {
        if (file.Length < 18)
        {
            return null;
        }

        Span<byte> tail = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(tail);
        file.Seek(0, SeekOrigin.Begin);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
    }
}
