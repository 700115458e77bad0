using NgxDoctor.Config;
using NgxDoctor.Core.Text;
using NgxDoctor.Host;

namespace NgxDoctor.Cli.Commands;

/// <summary>Turns any failure into one sanitised line on stderr and exit code 3 (unknown), never a stack trace.</summary>
public static class CliErrors
{
    public const int Unknown = 3;

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(Describe(e));
        }
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine("ngxdoctor: " + SafeText.Escape(message, 2000));
        return Unknown;
    }

    public static string Describe(Exception e) => e switch
    {
        ConfigParseException c => c.Message,
        NoNginxException n => n.Message,
        UsageException u => u.Message,
        OperationCanceledException => "time budget exhausted before the diagnosis finished",
        IOException or UnauthorizedAccessException => e.Message,
        _ => $"internal error ({e.GetType().Name}): {e.Message}",
    };
}

/// <summary>A bad argument value found after parsing (e.g. a malformed --since).</summary>
public sealed class UsageException(string message) : Exception(message)
{
    /// <summary>A positive nginx-style duration ("30s", "15m", "2h", "1d") or a usage error naming the option.</summary>
    public static TimeSpan Duration(string option, string? text) =>
        ConfigValues.TryParseTime(text ?? "", out var d) && d > TimeSpan.Zero
            ? d
            : throw new UsageException($"{option}: \"{text}\" is not a duration such as 30s, 15m, 2h or 1d");
}
