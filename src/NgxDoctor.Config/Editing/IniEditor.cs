namespace NgxDoctor.Config.Editing;

/// <summary>Minimal edits of PHP-FPM's ini-style files: a "key = value" line's value replaced, or such a line added after a pool's [name] header.</summary>
public static class IniEditor
{
    public static TextEdit Set(string text, int line, string value)
    {
        var (start, end) = Line(text, line);
        var eq = text.IndexOf('=', start, end - start);
        if (eq < 0)
        {
            throw new InvalidOperationException($"line {line} is not a \"key = value\" line");
        }

        var valueStart = eq + 1;
        while (valueStart < end && text[valueStart] is ' ' or '\t')
        {
            valueStart++;
        }

        var valueEnd = end;
        while (valueEnd > valueStart && char.IsWhiteSpace(text[valueEnd - 1]))
        {
            valueEnd--;
        }

        return new TextEdit(valueStart, valueEnd - valueStart, value);
    }

    public static TextEdit Insert(string text, int headerLine, string key, string value)
    {
        var (_, end) = Line(text, headerLine);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var at = end > 0 && end <= text.Length && text[end - 1] == '\r' ? end - 1 : end;
        return new TextEdit(at, 0, $"{newline}{key} = {value}");
    }

    /// <summary>The span of a 1-based line, without its '\n'.</summary>
    private static (int Start, int End) Line(string text, int line)
    {
        var start = 0;
        for (var i = 1; i < line; i++)
        {
            start = text.IndexOf('\n', start) + 1;
            if (start == 0)
            {
                throw new InvalidOperationException($"the file has no line {line}");
            }
        }

        var end = text.IndexOf('\n', start);
        return (start, end < 0 ? text.Length : end);
    }
}
