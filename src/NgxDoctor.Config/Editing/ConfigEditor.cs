namespace NgxDoctor.Config.Editing;

/// <summary>A replacement of <see cref="Length"/> characters at <see cref="Offset"/> of a file's text.</summary>
public sealed record TextEdit(int Offset, int Length, string Text);

/// <summary>
/// Minimal text edits at parsed positions: a directive's arguments replaced, or a directive added to a block on
/// a line of its own (indented like its neighbours, with the file's own line ending). Everything else in the
/// file (comments, blank lines, formatting) stays byte-identical.
/// </summary>
public static class ConfigEditor
{
    /// <summary>Replaces the arguments of the directive that starts at <paramref name="at"/> with <paramref name="args"/> (as written).</summary>
    public static TextEdit SetArgs(string text, SourcePos at, string args)
    {
        var tokens = Tokens(text, at.File);
        var i = tokens.FindIndex(t => t.Token.Line == at.Line && t.Token.Column == at.Column && t.Token.Kind == ConfigTokenKind.Word);
        if (i < 0)
        {
            throw new InvalidOperationException($"{at.ToLongString()}: the directive is no longer there (the file changed since it was read)");
        }

        var end = tokens.FindIndex(i + 1, t => t.Token.Kind is ConfigTokenKind.Semicolon or ConfigTokenKind.BlockStart or ConfigTokenKind.BlockEnd or ConfigTokenKind.EndOfFile);
        if (end < 0 || tokens[end].Token.Kind != ConfigTokenKind.Semicolon)
        {
            throw new InvalidOperationException($"{at.ToLongString()}: not a simple directive ending with ';'");
        }

        if (end == i + 1)
        {
            var after = tokens[i].Offset + tokens[i].Token.Raw.Length;
            return new TextEdit(after, 0, " " + args);
        }

        var first = tokens[i + 1].Offset;
        var last = tokens[end - 1].Offset + tokens[end - 1].Token.Raw.Length;
        return new TextEdit(first, last - first, args);
    }

    /// <summary>Adds <paramref name="directive"/> (e.g. "proxy_read_timeout 30s;") as the first line of the block of the directive at <paramref name="block"/>.</summary>
    public static TextEdit Insert(string text, SourcePos block, string directive)
    {
        var tokens = Tokens(text, block.File);
        var i = tokens.FindIndex(t => t.Token.Line == block.Line && t.Token.Column == block.Column && t.Token.Kind == ConfigTokenKind.Word);
        var open = i < 0 ? -1 : tokens.FindIndex(i, t => t.Token.Kind is ConfigTokenKind.BlockStart or ConfigTokenKind.Semicolon);
        if (open < 0 || tokens[open].Token.Kind != ConfigTokenKind.BlockStart)
        {
            throw new InvalidOperationException($"{block.ToLongString()}: no block there to add {directive} to");
        }

        var brace = tokens[open];
        var next = tokens[open + 1];
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        if (next.Token.Line == brace.Token.Line)
        {
            // An inline block ("location / { proxy_pass x; }"): the directive goes inline too.
            return new TextEdit(brace.Offset + 1, 0, " " + directive);
        }

        var lineEnd = text.IndexOf('\n', brace.Offset);
        lineEnd = lineEnd > 0 && text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        var indent = next.Token.Kind == ConfigTokenKind.BlockEnd
            ? Indentation(text, brace.Offset) + "    "
            : Indentation(text, next.Offset);
        return new TextEdit(lineEnd, 0, newline + indent + directive);
    }

    /// <summary>Applies edits made against the same original text (they must not overlap).</summary>
    public static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        var result = text;
        foreach (var e in edits.OrderByDescending(e => e.Offset))
        {
            result = result[..e.Offset] + e.Text + result[(e.Offset + e.Length)..];
        }

        return result;
    }

    private static string Indentation(string text, int offset)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        var end = start;
        while (end < text.Length && text[end] is ' ' or '\t')
        {
            end++;
        }

        return text[start..end];
    }

    private static List<(ConfigToken Token, int Offset)> Tokens(string text, string file)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var lexer = new ConfigLexer(text, file);
        var tokens = new List<(ConfigToken, int)>();
        while (true)
        {
            var t = lexer.Next();
            tokens.Add((t, t.Kind == ConfigTokenKind.EndOfFile ? text.Length : lineStarts[t.Line - 1] + t.Column - 1));
            if (t.Kind == ConfigTokenKind.EndOfFile)
            {
                return tokens;
            }
        }
    }
}
