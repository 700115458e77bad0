using System.Text;
using System.Text.Json;

namespace NgxDoctor.Host.Logs;

/// <summary>The formats container runtimes write a container's stdout and stderr in.</summary>
public enum RuntimeLogFormat
{
    /// <summary>Docker's json-file driver: {"log":"line\n","stream":"stderr","time":"..."} per line.</summary>
    DockerJson,

    /// <summary>CRI (containerd, CRI-O, Kubernetes): "TIMESTAMP stream P|F text"; P is a part of a longer line.</summary>
    Cri,
}

/// <summary>
/// One stream of a runtime's log decoded into plain lines nginx wrote, in a private file the log scanners read. A
/// line of the other stream stays as an empty line, so line N of the decoded file is line N of the runtime's file;
/// only the newest <see cref="MaxBytes"/> of the runtime's files are read.
/// </summary>
public static class RuntimeLogDecoder
{
    public const long MaxBytes = 256L << 20;

    /// <summary>
    /// Decodes <paramref name="file"/> and its rotated siblings (FILE.1, FILE.2.gz... as Docker's max-file keeps them)
    /// into files in <paramref name="directory"/> (0700, ngxdoctor's own) named as the log scanners find siblings;
    /// returns the newest one's path.
    /// </summary>
    public static string Decode(string file, RuntimeLogFormat format, string stream, string directory)
    {
        var target = Path.Combine(directory, Path.GetFileName(file) + "." + stream);
        DecodeOne(file, format, stream, target);
        for (var i = 1; i <= RotatedLogs.MaxSiblings; i++)
        {
            // A sibling is a regular file of the log's owner, never a link: the same rule as a plain log's siblings.
            var owner = Config.UnixFileStatus.Of(file).Uid;
            var sibling = new[] { $"{file}.{i}", $"{file}.{i}.gz" }
                .FirstOrDefault(f => Config.UnixFileStatus.Of(f, followSymlinks: false) is { Kind: Config.UnixFileKind.Regular } s && s.Uid == owner);
            if (sibling is null)
            {
                break;
            }

            DecodeOne(sibling, format, stream, $"{target}.{i}");
        }

        return target;
    }

    private static void DecodeOne(string file, RuntimeLogFormat format, string stream, string target)
    {
        using var raw = Config.RegularFile.Open(file, bufferSize: 4096);
        var skipped = !file.EndsWith(".gz", StringComparison.Ordinal) && raw.Length > MaxBytes;
        if (skipped)
        {
            raw.Seek(-MaxBytes, SeekOrigin.End);
        }

        using Stream input = file.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(input, Encoding.UTF8, false, 1 << 16);
        using var output = new StreamWriter(new FileStream(target, FileMode.CreateNew, FileAccess.Write), new UTF8Encoding(false), 1 << 16);
        if (skipped)
        {
            reader.ReadLine();
        }

        var partial = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            output.WriteLine(format == RuntimeLogFormat.DockerJson ? DockerLine(line, stream) : CriLine(line, stream, partial));
        }
    }

    public static string DockerLine(string line, string stream)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return root.TryGetProperty("stream", out var s) && s.GetString() == stream && root.TryGetProperty("log", out var log)
                ? (log.GetString() ?? "").TrimEnd('\n', '\r')
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>A CRI line's text when it is of <paramref name="stream"/>; parts (P) are joined to the full line (F) that ends them.</summary>
    public static string CriLine(string line, string stream, StringBuilder partial)
    {
        var f = line.Split(' ', 4);
        if (f.Length < 3 || f[1] != stream)
        {
            return "";
        }

        var text = f.Length == 4 ? f[3] : "";
        if (f[2] == "P")
        {
            partial.Append(text);
            return "";
        }

        var whole = partial.Append(text).ToString();
        partial.Clear();
        return whole;
    }
}
