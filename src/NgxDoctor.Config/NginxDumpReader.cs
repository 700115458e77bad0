namespace NgxDoctor.Config;

/// <summary>
/// Reads what `nginx -T` prints: for each file, a line "# configuration file PATH:", its bytes, and
/// one extra newline. The first file is the main configuration.
/// </summary>
public static class NginxDumpReader
{
    private const string Header = "# configuration file ";

    public static (string MainFile, DumpConfigSource Source) Read(string dumpText, string dumpName = "nginx -T")
    {
        dumpText = WithoutStatusLines(dumpText);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        string? main = null;
        string? currentPath = null;
        var start = 0;
        var pos = 0;
        while (pos <= dumpText.Length)
        {
            var eol = dumpText.IndexOf('\n', pos);
            var lineEnd = eol < 0 ? dumpText.Length : eol;
            var line = dumpText.AsSpan(pos, lineEnd - pos).TrimEnd('\r');
            if (line.StartsWith(Header) && line.EndsWith(":"))
            {
                Flush(files, currentPath, dumpText, start, pos);
                currentPath = line[Header.Length..^1].ToString();
                main ??= currentPath;
                start = eol < 0 ? dumpText.Length : eol + 1;
            }

            if (eol < 0)
            {
                break;
            }

            pos = eol + 1;
        }

        Flush(files, currentPath, dumpText, start, dumpText.Length);
        if (main is null)
        {
            throw new ConfigParseException(new SourcePos(dumpName, 1), "not an `nginx -T` dump: no \"# configuration file PATH:\" line");
        }

        return (main, new DumpConfigSource(files));
    }

    /// <summary>`nginx -T 2>&amp;1` mixes its verdict lines ("... syntax is ok") into the dump; they are not file content.</summary>
    private static string WithoutStatusLines(string text)
    {
        if (!text.Contains("nginx: ", StringComparison.Ordinal))
        {
            return text;
        }

        var kept = text.Split('\n').Where(l => !IsStatusLine(l.AsSpan().TrimEnd('\r')));
        return string.Join('\n', kept);
    }

    private static bool IsStatusLine(ReadOnlySpan<char> line) =>
        line.StartsWith("nginx: ") && line.Contains("configuration file ", StringComparison.Ordinal)
        && (line.EndsWith("syntax is ok") || line.EndsWith("test is successful") || line.EndsWith("test failed"));

    private static void Flush(Dictionary<string, string> files, string? path, string text, int start, int end)
    {
        if (path is null || files.ContainsKey(path))
        {
            return;
        }

        var body = text[start..end];
        if (body.EndsWith('\n'))
        {
            body = body[..^1];
        }

        files[path] = body;
    }
}
