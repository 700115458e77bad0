using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The Spectre console for stdout: colour only on a TTY and without NO_COLOR; no wrapping when piped.</summary>
public static class Terminal
{
    public static IAnsiConsole Create(TextWriter? writer = null)
    {
        var isTty = writer is null && !Console.IsOutputRedirected;
        var color = isTty && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTty ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer ?? Console.Out),
        });
        if (!isTty)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    /// <summary>Sanitised and markup-escaped: safe to embed in Spectre markup.</summary>
    public static string Safe(string? text) => Markup.Escape(NgxDoctor.Core.Text.SafeText.Escape(text));
}
