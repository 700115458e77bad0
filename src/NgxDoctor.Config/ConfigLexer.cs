using System.Text;

namespace NgxDoctor.Config;

/// <summary>
/// Splits configuration text into tokens the way nginx's ngx_conf_read_token does: words end at
/// whitespace, ';' and '{' (but not at '}' nor at the '{' of "${"), '#' starts a comment only where a
/// token could start, a closing quote must be followed by whitespace, ';', '{' or ')'.
/// </summary>
public sealed class ConfigLexer
{
    private readonly string _text;
    private readonly string _file;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public ConfigLexer(string text, string file)
    {
        _text = text;
        _file = file;
    }

    public ConfigToken Next()
    {
        SkipSpaceAndComments();
        if (_pos >= _text.Length)
        {
            return new ConfigToken(ConfigTokenKind.EndOfFile, "", "", _line, Column(_pos));
        }

        var line = _line;
        var col = Column(_pos);
        var ch = _text[_pos];
        switch (ch)
        {
            case ';':
                _pos++;
                return new ConfigToken(ConfigTokenKind.Semicolon, ";", ";", line, col);
            case '{':
                _pos++;
                return new ConfigToken(ConfigTokenKind.BlockStart, "{", "{", line, col);
            case '}':
                _pos++;
                return new ConfigToken(ConfigTokenKind.BlockEnd, "}", "}", line, col);
            case '"':
            case '\'':
                return ReadQuoted(ch, line, col);
            default:
                return ReadWord(line, col);
        }
    }

    private void SkipSpaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var ch = _text[_pos];
            if (ch == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (IsSpace(ch))
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    private ConfigToken ReadWord(int line, int col)
    {
        var start = _pos;
        var variable = false;
        while (_pos < _text.Length)
        {
            var ch = _text[_pos];
            if (ch == '{' && variable)
            {
                Advance();
                variable = false;
                continue;
            }

            variable = false;
            if (ch == '\\')
            {
                Advance();
                if (_pos < _text.Length)
                {
                    Advance();
                }

                continue;
            }

            if (ch == '$')
            {
                variable = true;
                Advance();
                continue;
            }

            if (IsSpace(ch) || ch == ';' || ch == '{')
            {
                break;
            }

            Advance();
        }

        var raw = _text[start.._pos];
        return new ConfigToken(ConfigTokenKind.Word, Unescape(raw), raw, line, col);
    }

    private ConfigToken ReadQuoted(char quote, int line, int col)
    {
        var start = _pos;
        Advance();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(line, col, $"unterminated quoted string: the {quote} opened here is never closed");
            }

            var ch = _text[_pos];
            Advance();
            if (ch == '\\' && _pos < _text.Length)
            {
                Advance();
            }
            else if (ch == quote)
            {
                break;
            }
        }

        if (_pos < _text.Length)
        {
            var next = _text[_pos];
            if (next == ')')
            {
                // nginx accepts `if ($a = "b")`: the ')' becomes a word of its own.
            }
            else if (!IsSpace(next) && next != ';' && next != '{')
            {
                throw Error(_line, Column(_pos), $"unexpected \"{Printable(next)}\" after a quoted string");
            }
        }

        var raw = _text[start.._pos];
        return new ConfigToken(ConfigTokenKind.Word, Unescape(raw[1..^1]), raw, line, col);
    }

    /// <summary>nginx resolves \" \' \\ \t \r \n in every word; any other backslash stays as written.</summary>
    public static string Unescape(string raw)
    {
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw;
        }

        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var ch = raw[i];
            if (ch == '\\' && i + 1 < raw.Length)
            {
                var n = raw[i + 1];
                switch (n)
                {
                    case '"' or '\'' or '\\':
                        sb.Append(n);
                        i++;
                        continue;
                    case 't':
                        sb.Append('\t');
                        i++;
                        continue;
                    case 'r':
                        sb.Append('\r');
                        i++;
                        continue;
                    case 'n':
                        sb.Append('\n');
                        i++;
                        continue;
                }
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Skips an embedded code block (Lua's *_by_lua_block) after its '{', counting braces outside Lua
    /// strings and comments, as lua-nginx-module does; returns the code between the braces.
    /// </summary>
    public string SkipEmbeddedBlock(int line, int col)
    {
        var start = _pos;
        var depth = 1;
        while (_pos < _text.Length)
        {
            var ch = _text[_pos];
            if (ch == '-' && _pos + 1 < _text.Length && _text[_pos + 1] == '-')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    Advance();
                }

                continue;
            }

            if (ch is '"' or '\'')
            {
                Advance();
                while (_pos < _text.Length && _text[_pos] != ch && _text[_pos] != '\n')
                {
                    if (_text[_pos] == '\\' && _pos + 1 < _text.Length)
                    {
                        Advance();
                    }

                    Advance();
                }
            }
            else if (ch == '{')
            {
                depth++;
            }
            else if (ch == '}' && --depth == 0)
            {
                var code = _text[start.._pos];
                Advance();
                return code;
            }

            if (_pos < _text.Length)
            {
                Advance();
            }
        }

        throw Error(line, col, "unexpected end of file: embedded code block opened here is never closed");
    }

    public ConfigParseException Error(int line, int col, string reason) => new(new SourcePos(_file, line, col), reason);

    private static string Printable(char ch) => ch < 0x20 || ch == 0x7f ? $"\\x{(int)ch:x2}" : ch.ToString();

    private static bool IsSpace(char ch) => ch is ' ' or '\t' or '\r' or '\n';

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }

        _pos++;
    }

    private int Column(int pos) => pos - _lineStart + 1;
}
