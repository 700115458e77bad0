using System.Text;

namespace NgxDoctor.Config;

/// <summary>Turns configuration bytes into text without losing any: UTF-8 when valid, else Latin-1.</summary>
public static class ConfigText
{
    /// <summary>nginx reads files of any size (a map of millions of entries); this bounds memory, with the loader's total.</summary>
    public const long MaxFileBytes = 128 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        // nginx reads a NUL inside a token as any other byte; only a file that looks binary is refused.
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0 && LooksBinary(bytes))
        {
            var line = bytes[..nul].Count((byte)'\n') + 1;
            throw new ConfigParseException(new SourcePos(file, line), $"not a configuration file: NUL byte at offset {nul} (binary data?)");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>More than one byte in ten of the first 4 KiB is a control character other than tab, CR and LF.</summary>
    private static bool LooksBinary(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, 4096)];
        var control = 0;
        foreach (var b in head)
        {
            if (b < 0x20 && b is not (9 or 10 or 13) || b == 0x7f)
            {
                control++;
            }
        }

        return control * 10 > head.Length;
    }

    /// <summary>Reads a configuration file from disk, refusing anything that is not a regular file of sane size.</summary>
    public static string ReadFile(string path, RegularFile.Opener? opener = null)
    {
        var status = UnixFileStatus.Of(path);
        var pos = new SourcePos(path, 0, 0);
        switch (status.Kind)
        {
            case UnixFileKind.Missing:
                throw new ConfigParseException(pos, $"cannot open: {ErrnoText(status.Errno)}");
            case UnixFileKind.Directory:
                throw new ConfigParseException(pos, "is a directory, not a configuration file");
            case UnixFileKind.Regular:
                break;
            default:
                throw new ConfigParseException(pos, $"{RegularFile.Describe(status.Kind)}, not a regular file; not read");
        }

        if (status.Size > MaxFileBytes)
        {
            throw new ConfigParseException(pos, $"file is {status.Size} bytes, over the {MaxFileBytes}-byte limit for a configuration file");
        }

        try
        {
            // Opened non-blocking and checked again on the descriptor: the path may have become a FIFO since the stat.
            return Decode(RegularFile.ReadAllBytes(path, MaxFileBytes, opener: opener), path);
        }
        catch (IOException e)
        {
            throw new ConfigParseException(pos, $"cannot read: {e.Message.Replace(path + ": ", "", StringComparison.Ordinal)}");
        }
    }

    public static string ErrnoText(int errno) => errno switch
    {
        2 => "no such file or directory",
        13 => "permission denied",
        20 => "a path component is not a directory",
        40 => "too many levels of symbolic links",
        _ => $"errno {errno}",
    };
}
