namespace NgxDoctor.Config;

/// <summary>
/// Builds the directive tree of one file. Iterative (an explicit stack), so 10,000 nested blocks give
/// an error instead of a stack overflow, which .NET cannot catch.
/// </summary>
public static class ConfigParser
{
    /// <summary>nginx has no limit of its own; past this the recursive walks over the tree would risk the stack.</summary>
    public const int MaxNesting = 1000;

    public static IReadOnlyList<Directive> Parse(string text, string file)
    {
        var parsed = ParsePartial(text, file);
        return parsed.Error is { } error ? throw error : parsed.Tree;
    }

    /// <summary>
    /// The file up to its first syntax error, with the blocks open there closed, and that error: nginx reads a file
    /// directive by directive, so a directive it refuses before that point is the error it reports.
    /// </summary>
    public static ParsedFile ParsePartial(string text, string file)
    {
        var stack = new Stack<OpenBlock>();
        var current = new List<Directive>();
        try
        {
            return new ParsedFile(Parse(text, file, stack, ref current), null);
        }
        catch (ConfigParseException e)
        {
            while (stack.Count > 0)
            {
                var open = stack.Pop();
                open.Parent.Add(Make(open.Header, current, file, open.Brace.Line));
                current = open.Parent;
            }

            return new ParsedFile(current, e);
        }
    }

    private static List<Directive> Parse(string text, string file, Stack<OpenBlock> stack, ref List<Directive> current)
    {
        var lexer = new ConfigLexer(text, file);
        var words = new List<ConfigToken>();
        // A "}" inside a word is part of it (an unquoted regex such as ^/a{2}$): the braces stop adding up, and the
        // real mistake is where nginx reports it, the directive that word became.
        ConfigToken? swallowed = null;
        // Until one directive has parsed, the file may be anything (--config /etc/shadow): its words are not quoted.
        var parsed = false;

        while (true)
        {
            var token = lexer.Next();
            switch (token.Kind)
            {
                case ConfigTokenKind.Word:
                    words.Add(token);
                    break;
                case ConfigTokenKind.Semicolon:
                    if (words.Count == 0)
                    {
                        throw lexer.Error(token.Line, token.Column, "unexpected \";\"");
                    }

                    swallowed ??= Unquoted(words[0]) && words[0].Value.Contains('}', StringComparison.Ordinal) ? words[0] : null;
                    current.Add(Make(words, null, file, token.Line));
                    words.Clear();
                    parsed = true;
                    break;
                case ConfigTokenKind.BlockStart:
                    if (words.Count == 0)
                    {
                        throw lexer.Error(token.Line, token.Column, "unexpected \"{\"");
                    }

                    swallowed ??= Unquoted(words[0]) && words[0].Value.Contains('}', StringComparison.Ordinal) ? words[0] : null;
                    if (stack.Count >= MaxNesting)
                    {
                        throw lexer.Error(token.Line, token.Column, $"blocks nested too deep (limit {MaxNesting})");
                    }

                    if (IsEmbeddedCode(words[0].Value))
                    {
                        var code = lexer.SkipEmbeddedBlock(token.Line, token.Column);
                        var embedded = Make(words, Array.Empty<Directive>(), file, token.Line) with { EmbeddedCode = code };
                        current.Add(embedded);
                        words.Clear();
                        break;
                    }

                    stack.Push(new OpenBlock(words.ToArray(), current, token));
                    current = new List<Directive>();
                    words.Clear();
                    break;
                case ConfigTokenKind.BlockEnd:
                    if (words.Count != 0)
                    {
                        throw lexer.Error(token.Line, token.Column, "unexpected \"}\": the directive before it has no \";\"");
                    }

                    if (stack.Count == 0)
                    {
                        throw Swallowed(lexer, swallowed, parsed) ?? lexer.Error(token.Line, token.Column, "unexpected \"}\": no block is open");
                    }

                    var open = stack.Pop();
                    parsed = true;
                    open.Parent.Add(Make(open.Header, current, file, open.Brace.Line));
                    current = open.Parent;
                    break;
                case ConfigTokenKind.EndOfFile:
                    if (words.Count != 0)
                    {
                        throw lexer.Error(words[0].Line, words[0].Column, $"unexpected end of file, expecting \";\" or \"}}\": directive {Name(words[0], parsed)} has no \";\"");
                    }

                    if (stack.Count != 0)
                    {
                        var brace = stack.Peek().Brace;
                        throw Swallowed(lexer, swallowed, parsed) ?? lexer.Error(brace.Line, brace.Column,
                            $"unexpected end of file, expecting \"}}\": the block {Name(stack.Peek().Header[0], parsed)} opened here is never closed");
                    }

                    return current;
            }
        }
    }

    private static bool Unquoted(ConfigToken t) => t.Raw.Length == 0 || t.Raw[0] is not ('"' or '\'');

    /// <summary>
    /// A directive's name as an error quotes it: only a short printable word in a file that has parsed as nginx
    /// configuration so far; otherwise its position alone, so a file that is not configuration
    /// (a password file named by mistake or by another user) never has its content printed.
    /// </summary>
    private static string Name(ConfigToken word, bool parsed) =>
        parsed && word.Value.Length is > 0 and <= 64 && word.Value.All(c => c is > ' ' and < '\x7f')
            ? $"\"{word.Value}\""
            : $"at line {word.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static ConfigParseException? Swallowed(ConfigLexer lexer, ConfigToken? word, bool parsed) => word is { } w
        ? lexer.Error(w.Line, w.Column, $"unknown directive {Name(w, parsed)}: a \"}}\" inside a word does not close a block (quote a regex with braces: \"^/a{{2}}$\")")
        : null;

    public static bool IsEmbeddedCode(string name) => name.EndsWith("_by_lua_block", StringComparison.Ordinal)
        || name.EndsWith("_lua_block", StringComparison.Ordinal);

    private static Directive Make(IReadOnlyList<ConfigToken> words, IReadOnlyList<Directive>? block, string file, int endLine)
    {
        var args = new ConfigArg[words.Count - 1];
        for (var i = 1; i < words.Count; i++)
        {
            args[i - 1] = new ConfigArg(words[i].Value, words[i].Raw);
        }

        return new Directive(words[0].Value, args, block, new SourcePos(file, words[0].Line, words[0].Column)) { EndLine = endLine };
    }

    /// <summary>A file's directives up to its first syntax error (all of them when Error is null).</summary>
    public sealed record ParsedFile(IReadOnlyList<Directive> Tree, ConfigParseException? Error);

    private sealed record OpenBlock(ConfigToken[] Header, List<Directive> Parent, ConfigToken Brace);
}
