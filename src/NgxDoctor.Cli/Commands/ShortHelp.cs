using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace NgxDoctor.Cli.Commands;

/// <summary>
/// --help within 80 columns: `ngxdoctor --help` lists each command by the first sentence of its description, one
/// entry each; a command's own --help (System.CommandLine's) has its whole description, examples and options.
/// </summary>
public sealed class ShortHelp(RootCommand root, HelpAction full) : SynchronousCommandLineAction
{
    public const int Width = 80;
    private const int Column = 19;

    /// <summary>As System.CommandLine's own help: `route --help` needs no URL.</summary>
    public override bool ClearsParseErrors => true;

    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<HelpOption>())
        {
            if (option.Action is HelpAction full)
            {
                full.MaxWidth = Width;
                option.Action = new ShortHelp(root, full);
            }
        }

        foreach (var command in root.Subcommands.Append(root))
        {
            command.Description = Reflow(command.Description ?? "", Width - 4);
        }
    }

    /// <summary>Prose (lines that start at the margin) joined and wrapped at <paramref name="width"/>; indented lines (examples) kept as written.</summary>
    public static string Reflow(string description, int width)
    {
        var output = new List<string>();
        var prose = new List<string>();
        void Flush()
        {
            if (prose.Count > 0)
            {
                output.AddRange(Wrap(string.Join(' ', prose), width));
                prose.Clear();
            }
        }

        foreach (var line in description.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length > 0 && line[0] != ' ')
            {
                prose.Add(line.Trim());
                continue;
            }

            Flush();
            // An example too wide with its comment: the comment goes on a line of its own above it.
            if (line.Length > width && line.IndexOf("  # ", StringComparison.Ordinal) is var hash and > 0)
            {
                var indent = line[..(line.Length - line.TrimStart().Length)];
                output.Add(indent + line[(hash + 2)..].Trim());
                output.Add(line[..hash].TrimEnd());
                continue;
            }

            output.Add(line);
        }

        Flush();
        return string.Join('\n', output);
    }

    public override int Invoke(ParseResult parseResult)
    {
        if (!ReferenceEquals(parseResult.CommandResult.Command, root))
        {
            return full.Invoke(parseResult);
        }

        var text = new StringBuilder();
        text.Append("Description:\n");
        foreach (var line in (root.Description ?? "").ReplaceLineEndings("\n").Split('\n'))
        {
            text.Append("  ").Append(line).Append('\n');
        }

        text.Append("\nUsage:\n  ngxdoctor [command] [options]\n\nOptions:\n  -?, -h, --help  Show help and usage information\n  --version       Show version information\n\nCommands:\n");
        foreach (var command in root.Subcommands)
        {
            var name = "  " + command.Name + string.Concat(command.Arguments.Select(a => $" <{a.Name}>"));
            var lines = Wrap(First(command.Description), Width - Column);
            text.Append(name.PadRight(Column - 2)).Append("  ").Append(lines[0]).Append('\n');
            foreach (var more in lines.Skip(1))
            {
                text.Append(new string(' ', Column)).Append(more).Append('\n');
            }
        }

        text.Append("\nA command's options and examples: ngxdoctor help COMMAND\n");
        Console.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>What a command does in a few words: its description up to the first ": " or ". " (else " (").</summary>
    public static string First(string? description)
    {
        var text = string.Join(' ', (description ?? "").ReplaceLineEndings("\n").Split("\n\n")[0].Split('\n').Select(l => l.Trim()));
        int At(string mark) => text.IndexOf(mark, StringComparison.Ordinal) is var i and >= 20 ? i : int.MaxValue;
        var end = Math.Min(At(": "), At(". "));
        end = end <= 100 ? end : Math.Min(end, At(" ("));
        return end < text.Length ? text[..end] : text.TrimEnd('.', ' ');
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        while (text.Length > width && text.LastIndexOf(' ', width) is var cut and > 0)
        {
            lines.Add(text[..cut]);
            text = text[(cut + 1)..];
        }

        lines.Add(text);
        return lines;
    }
}
