using System.Runtime.CompilerServices;

namespace NgxDoctor.Core.Logs;

/// <summary>
/// A `log_format` compiled into literals and variables, and a matcher for lines written with it. A variable's
/// value runs to the next literal; nginx escapes `"` and control bytes in values (as \x22, or \" with
/// escape=json), so with the default escaping a quoted field cannot end early. escape=none gives no such
/// guarantee, which <see cref="Warning"/> says.
/// </summary>
public sealed class LogFormat
{
    private readonly string[] _literals;
    private readonly string[] _variables;

    private readonly bool[] _multiValue;
    private readonly bool _json;

    private LogFormat(string[] literals, string[] variables, string escape)
    {
        _literals = literals;
        _variables = variables;
        Escape = escape;
        _json = escape == "json";
        _multiValue = variables.Select(v => v.StartsWith("upstream_", StringComparison.Ordinal)).ToArray();
    }

    public string Escape { get; }

    public IReadOnlyList<string> Variables => _variables;

    public string? Warning => Escape == "none" ? "log_format uses escape=none: a value containing the next separator can split a line wrongly" : null;

    /// <summary>Compiles "$a - [$b] \"$c\"": literals[i] precedes variables[i]; the last literal follows the last variable.</summary>
    public static LogFormat Compile(string format, string escape = "default")
    {
        var literals = new List<string>();
        var variables = new List<string>();
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '$' && i + 1 < format.Length && (format[i + 1] == '{' || IsNameChar(format[i + 1])))
            {
                var braced = format[i + 1] == '{';
                var start = braced ? i + 2 : i + 1;
                var end = start;
                while (end < format.Length && IsNameChar(format[end]))
                {
                    end++;
                }

                literals.Add(literal.ToString());
                literal.Clear();
                variables.Add(format[start..end]);
                i = braced && end < format.Length && format[end] == '}' ? end : end - 1;
            }
            else
            {
                literal.Append(format[i]);
            }
        }

        literals.Add(literal.ToString());
        return new LogFormat([.. literals], [.. variables], escape);
    }

    public int IndexOf(string variable) => Array.IndexOf(_variables, variable);

    /// <summary>Splits a line into value ranges, one per variable; false when the line does not fit the format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryMatch(ReadOnlySpan<char> line, Span<Range> values)
    {
        var s = line;
        if (!s.StartsWith(_literals[0]))
        {
            return false;
        }

        var pos = _literals[0].Length;
        for (var v = 0; v < _variables.Length; v++)
        {
            var next = _literals[v + 1];
            int end;
            if (next.Length == 0)
            {
                // Two variables in a row cannot be split; take a token (to the next space) or, last, the rest.
                end = v + 1 == _variables.Length ? s.Length : NextSpace(s, pos);
            }
            else
            {
                end = Find(s, pos, next, v + 1 == _variables.Length, _multiValue[v]);
                if (end < 0)
                {
                    return false;
                }
            }

            values[v] = pos..end;
            pos = end + next.Length;
        }

        return pos == s.Length || (s.Length - pos == 1 && s[pos] == '\r');
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Find(ReadOnlySpan<char> s, int from, string literal, bool last, bool multiValue)
    {
        if (last)
        {
            // The final literal closes the line: match it at the end.
            return s.EndsWith(literal) && s.Length - literal.Length >= from ? s.Length - literal.Length : -1;
        }

        var at = from;
        var first = literal[0];
        while (true)
        {
            // Literals are short (a space, a quote and a space): find the first character, then compare the rest.
            var i = s[at..].IndexOf(first);
            if (i < 0)
            {
                return -1;
            }

            i += at;
            if (literal.Length > 1 && !s[i..].StartsWith(literal))
            {
                at = i + 1;
                continue;
            }

            if ((!_json || !EscapedQuote(s, i, literal)) && !(multiValue && InsideList(s, i, literal)))
            {
                return i;
            }

            at = i + 1;
        }
    }

    /// <summary>$upstream_* hold lists ("502, 200", "502 : 200"): a space inside one does not end the value.</summary>
    private static bool InsideList(ReadOnlySpan<char> s, int i, string literal) =>
        literal[0] == ' ' && i > 0 && (s[i - 1] == ',' || s[i - 1] == ':' || (i + 1 < s.Length && s[i + 1] == ':'));

    private static bool EscapedQuote(ReadOnlySpan<char> s, int i, string literal)
    {
        if (literal[0] != '"')
        {
            return false;
        }

        var backslashes = 0;
        for (var j = i - 1; j >= 0 && s[j] == '\\'; j--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static int NextSpace(ReadOnlySpan<char> s, int from)
    {
        var i = s[from..].IndexOf(' ');
        return i < 0 ? s.Length : from + i;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
