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

    /// <summary>Decodes <paramref name="file"/> into a new file in <paramref name="directory"/> (0700, ngxdoctor's own) and returns its path.</summary>
    public static string Decode(string file, RuntimeLogFormat format, string stream, string directory)
    {
        var target = Path.Combine(directory, Path.GetFileName(file) + "." + stream);
        using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var skipped = input.Length > MaxBytes;
        if (skipped)
        {
            input.Seek(-MaxBytes, SeekOrigin.End);
        }

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

        return target;
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
