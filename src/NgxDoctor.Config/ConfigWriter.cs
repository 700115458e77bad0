using System.Text;

namespace NgxDoctor.Config;

/// <summary>Prints a directive tree back as configuration text; parsing the output gives the same tree.</summary>
public static class ConfigWriter
{
    public static string Write(IReadOnlyList<Directive> directives)
    {
        var sb = new StringBuilder();
        var stack = new Stack<(IReadOnlyList<Directive> List, int Index, int Depth)>();
        stack.Push((directives, 0, 0));
        while (stack.Count > 0)
        {
            var (list, index, depth) = stack.Pop();
            if (index >= list.Count)
            {
                if (depth > 0)
                {
                    sb.Append(' ', (depth - 1) * 4).Append("}\n");
                }

                continue;
            }

            var d = list[index];
            stack.Push((list, index + 1, depth));
            sb.Append(' ', depth * 4).Append(Quote(d.Name));
            foreach (var arg in d.Args)
            {
                sb.Append(' ').Append(arg.Raw);
            }

            if (d.EmbeddedCode is not null)
            {
                sb.Append(" {").Append(d.EmbeddedCode).Append("}\n");
            }
            else if (d.Block is null)
            {
                sb.Append(";\n");
            }
            else
            {
                sb.Append(" {\n");
                stack.Push((d.Block, 0, depth + 1));
            }
        }

        return sb.ToString();
    }

    private static string Quote(string name) =>
        name.Length == 0 || name.AsSpan().IndexOfAny(" \t\r\n;{}\"'\\#") >= 0
            ? "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : name;
}
