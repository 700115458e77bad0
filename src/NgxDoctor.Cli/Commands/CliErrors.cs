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
        Host.Fixes.FixLockedException l => l.Message,
        UsageException u => u.Message,
        OperationCanceledException => "time budget exhausted before the diagnosis finished",
        IOException or UnauthorizedAccessException => e.Message,
        _ => $"internal error ({e.GetType().Name}): {e.Message}",
    };
}

/// <summary>A bad argument value found after parsing (e.g. a malformed --since).</summary>
public sealed class UsageException(string message) : Exception(message)
{
    /// <summary>The longest window a log is read back for: ten years.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(3650);

    /// <summary>A positive nginx-style duration ("30s", "15m", "2h", "1d") up to ten years, or a usage error naming the option.</summary>
    public static TimeSpan Duration(string option, string? text) =>
        ConfigValues.TryParseTime(text ?? "", out var d) && d > TimeSpan.Zero && d <= MaxWindow
            ? d
            : throw new UsageException($"{option}: \"{text}\" is not a duration such as 30s, 15m, 2h or 1d (at most 3650d)");

    /// <summary>A finite number of seconds above 0 and at most <paramref name="max"/>, or a usage error naming the option.</summary>
    public static double Seconds(string option, double value, double max) =>
        double.IsFinite(value) && value > 0 && value <= max
            ? value
            : throw new UsageException($"{option}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a number of seconds above 0 and at most {max}");
}
