using System.CommandLine;
using System.CommandLine.Parsing;

namespace NgxDoctor.Cli.Commands;

/// <summary>
/// A command's options from a file (for a service: the unit names the file, the file the options): one `name = value`
/// per line, names those of the long options without "--", `#` comments; `true`/`false` for switches. An option given
/// on the command line wins over the file. Bounded (64 KB); an unknown name or a bad line is a usage error.
/// </summary>
public static class SettingsFile
{
    private const long MaxBytes = 64 * 1024;

    /// <summary>The command line parsed again with the file's options in front of those not given on it.</summary>
    public static ParseResult Merge(Command command, ParseResult given, string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new UsageException($"--settings: {path} does not exist");
        }

        if (info.Length > MaxBytes)
        {
            throw new UsageException($"--settings: {path} is over {MaxBytes / 1024} KB");
        }

        var args = new List<string>();
        var n = 0;
        string text;
        try
        {
            text = Config.RegularFile.ReadAllText(path, MaxBytes);
        }
        catch (IOException e)
        {
            throw new UsageException($"--settings: {e.Message}");
        }

        foreach (var raw in text.Split('\n'))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var eq = line.IndexOf('=');
            var name = eq > 0 ? line[..eq].Trim() : throw new UsageException($"--settings: {path}:{n}: not \"name = value\"");
            var value = line[(eq + 1)..].Trim().Trim('"');
            var option = command.Options.FirstOrDefault(o => o.Name == "--" + name && name != "settings")
                ?? throw new UsageException($"--settings: {path}:{n}: \"{Core.Text.SafeText.Escape(name, 60)}\" is not an option of {command.Name}");
            if (given.GetResult(option) is { Implicit: false })
            {
                continue;
            }

            if (option is Option<bool>)
            {
                args.AddRange(value switch
                {
                    "true" => [option.Name],
                    "false" => [],
                    _ => throw new UsageException($"--settings: {path}:{n}: {name} takes true or false"),
                });
                continue;
            }

            args.Add(option.Name);
            args.Add(value);
        }

        args.AddRange(given.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value));
        var merged = command.Parse(args, CommandCatalog.Parsing);
        return merged.Errors.Count > 0 ? throw new UsageException($"--settings: {path}: {merged.Errors[0].Message}") : merged;
    }
}
