using System.Text;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// Text from logs, titles and other hosts' documents put into Markdown: control characters escaped, one line, HTML
/// (`&lt;script&gt;`) as entities and Markdown's own syntax backslash-escaped, so a renderer shows it as it was.
/// </summary>
public static class MarkdownText
{
    public static string Escape(string? s)
    {
        var safe = NgxDoctor.Core.Text.SafeText.Escape(s).Replace("\n", " ", StringComparison.Ordinal);
        var sb = new StringBuilder(safe.Length);
        foreach (var ch in safe)
        {
            _ = ch switch
            {
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '&' => sb.Append("&amp;"),
                _ when "\\`*_[]|#!~".Contains(ch, StringComparison.Ordinal) => sb.Append('\\').Append(ch),
                _ => sb.Append(ch),
            };
        }

        return sb.ToString();
    }
}
