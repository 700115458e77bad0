using System.Globalization;
using System.Text;

namespace NgxDoctor.Core.Text;

/// <summary>
/// Makes text from configs, logs and backends safe to print: control characters (C0, DEL, C1), bidi
/// controls and lone surrogates become visible escapes (\x1b, \u202e), and long text is capped.
/// </summary>
public static class SafeText
{
    public const int DefaultMaxLength = 4096;

    /// <summary>
    /// A line of a file as a diff shows it: like <see cref="Escape(string?, int)"/>, but a tab stays a tab (whitespace
    /// of the file, which `patch` must see as it is) and nothing is cut.
    /// </summary>
    public static string EscapeKeepingTabs(string text) =>
        string.Join('\t', text.Split('\t').Select(part => Escape(part, int.MaxValue)));

    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (text.Length <= maxLength && !NeedsEscape(text))
        {
            return text;
        }

        var sb = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        for (var i = 0; i < text.Length && sb.Length < maxLength; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (IsUnsafe(c))
            {
                sb.Append(c <= 0xff ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        if (sb.Length >= maxLength && text.Length > maxLength)
        {
            sb.Append(CultureInfo.InvariantCulture, $"... [{text.Length - maxLength} more characters]");
        }

        return sb.ToString();
    }

    public static bool IsSafe(string text) => !NeedsEscape(text);

    private static bool NeedsEscape(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || char.IsSurrogate(c)
        || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c is '\u200e' or '\u200f' or '\u061c';
}
