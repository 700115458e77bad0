using System.Text;

namespace NgxDoctor.Config;

/// <summary>nginx's variables in a value ($name, ${name}, $1): each replaced by what a caller knows of it.</summary>
public static class VariableText
{
    /// <summary>The text with every variable put in by <paramref name="value"/> (given the name without "$"); null when one is not known.</summary>
    public static string? Expand(string text, Func<string, string?> value)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$')
            {
                result.Append(text[i]);
                continue;
            }

            var braced = i + 1 < text.Length && text[i + 1] == '{';
            var start = braced ? i + 2 : i + 1;
            var end = start;
            // A capture ($1) is one digit; a name runs over letters, digits and "_".
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_') && !(end > start && char.IsAsciiDigit(text[start])))
            {
                end++;
            }

            if (value(text[start..end]) is not { } known)
            {
                return null;
            }

            result.Append(known);
            i = braced && end < text.Length && text[end] == '}' ? end : end - 1;
        }

        return result.ToString();
    }
}
