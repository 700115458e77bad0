using System.Numerics;
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
    private readonly char[][] _charLiterals;
    private readonly byte[][] _utf8Literals;
    private readonly string[] _variables;

    private readonly bool[] _multiValue;
    private readonly bool _json;

    private LogFormat(string[] literals, string[] variables, string escape)
    {
        Literals = literals;
        _charLiterals = literals.Select(l => l.ToCharArray()).ToArray();
        _utf8Literals = literals.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        _variables = variables;
        Escape = escape;
        _json = escape == "json";
        _multiValue = variables.Select(v => v.StartsWith("upstream_", StringComparison.Ordinal)).ToArray();
    }

    public string Escape { get; }

    public IReadOnlyList<string> Variables => _variables;

    /// <summary>The text around the variables: Literals[i] precedes Variables[i], the last follows the last variable.</summary>
    public IReadOnlyList<string> Literals { get; }

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
    public bool TryMatch(ReadOnlySpan<char> line, Span<Range> values)
    {
        Span<int> bounds = _variables.Length <= 128 ? stackalloc int[_variables.Length * 2] : new int[_variables.Length * 2];
        if (!TryMatch(line, bounds))
        {
            return false;
        }

        for (var v = 0; v < _variables.Length; v++)
        {
            values[v] = bounds[2 * v]..bounds[(2 * v) + 1];
        }

        return true;
    }

    /// <summary>Like the ranges, as start and end offsets: variable v's value is [bounds[2v], bounds[2v+1]).</summary>
    public bool TryMatch(ReadOnlySpan<char> line, Span<int> bounds) => Match(line, _charLiterals, bounds);

    /// <summary>
    /// The same match on a line's UTF-8 bytes (offsets in bytes). The literals' UTF-8 sequences are found where their
    /// characters are in the decoded line: an invalid byte never hides an ASCII byte or a whole valid sequence.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<byte> line, Span<int> bounds) => Match(line, _utf8Literals, bounds);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Match<T>(ReadOnlySpan<T> s, T[][] literals, Span<int> bounds)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (!s.StartsWith(literals[0]))
        {
            return false;
        }

        var pos = literals[0].Length;
        var count = _variables.Length;
        for (var v = 0; v < count; v++)
        {
            var next = literals[v + 1];
            int end;
            if (next.Length == 0)
            {
                // Two variables in a row cannot be split; take a token (to the next space) or, last, the rest.
                end = v + 1 == count ? s.Length : NextSpace(s, pos);
            }
            else if (v + 1 == count)
            {
                // The final literal closes the line: match it at the end.
                end = s.EndsWith(next) && s.Length - next.Length >= pos ? s.Length - next.Length : -1;
            }
            else
            {
                end = Find(s, pos, next, _multiValue[v]);
            }

            if (end < 0)
            {
                return false;
            }

            bounds[2 * v] = pos;
            bounds[(2 * v) + 1] = end;
            pos = end + next.Length;
        }

        return pos == s.Length || (s.Length - pos == 1 && s[pos] == T.CreateTruncating('\r'));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Find<T>(ReadOnlySpan<T> s, int from, T[] literal, bool multiValue)
        where T : unmanaged, IBinaryInteger<T>
    {
        var at = from;
        var first = literal[0];
        while (true)
        {
            // Literals are short (a space, a quote and a space): find the first element, then compare the rest.
            var i = s[at..].IndexOf(first);
            if (i < 0)
            {
                return -1;
            }

            i += at;
            if ((literal.Length == 1 || RestMatches(s, i, literal))
                && (!_json || !EscapedQuote(s, i, first)) && !(multiValue && InsideList(s, i, first)))
            {
                return i;
            }

            at = i + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RestMatches<T>(ReadOnlySpan<T> s, int i, T[] literal)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (s.Length - i < literal.Length)
        {
            return false;
        }

        for (var k = 1; k < literal.Length; k++)
        {
            if (s[i + k] != literal[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>$upstream_* hold lists ("502, 200", "502 : 200"): a space inside one does not end the value.</summary>
    private static bool InsideList<T>(ReadOnlySpan<T> s, int i, T first)
        where T : unmanaged, IBinaryInteger<T>
    {
        var colon = T.CreateTruncating(':');
        return first == T.CreateTruncating(' ') && i > 0
            && (s[i - 1] == T.CreateTruncating(',') || s[i - 1] == colon || (i + 1 < s.Length && s[i + 1] == colon));
    }

    private static bool EscapedQuote<T>(ReadOnlySpan<T> s, int i, T first)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (first != T.CreateTruncating('"'))
        {
            return false;
        }

        var backslashes = 0;
        for (var j = i - 1; j >= 0 && s[j] == T.CreateTruncating('\\'); j--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static int NextSpace<T>(ReadOnlySpan<T> s, int from)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = s[from..].IndexOf(T.CreateTruncating(' '));
        return i < 0 ? s.Length : from + i;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
