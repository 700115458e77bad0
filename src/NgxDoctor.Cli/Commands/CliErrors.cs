using NgxDoctor.Config;
using NgxDoctor.Core.Text;
using NgxDoctor.Host;

namespace NgxDoctor.Cli.Commands;

/// <summary>Turns any failure into one sanitised line on stderr and exit code 3 (unknown), never a stack trace.</summary>
public static class CliErrors
{
    public const int Unknown = 3;

    /// <summary>Set once from the arguments: a failure then also prints its one JSON document on stdout.</summary>
    public static bool JsonRequested { get; set; }

    /// <summary>Set once from the arguments: a failure is then also a Nagios plugin's UNKNOWN line on stdout.</summary>
    public static bool NagiosRequested { get; set; }

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
        var line = SafeText.Escape(message, 2000);
        Console.Error.WriteLine("ngxdoctor: " + line);
        if (JsonRequested)
        {
            Console.Out.WriteLine(Core.NgxJson.Serialize(new Core.Diagnosis.UnknownReport { Reason = line }));
        }

        if (NagiosRequested)
        {
            Console.Out.WriteLine("UNKNOWN - " + line.Replace('|', '/'));
        }

        return Unknown;
    }

    /// <summary>A parse error of System.CommandLine in ngxdoctor's words: no .NET type names.</summary>
    public static string ParseError(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.$");
        if (m.Success)
        {
            var what = m.Groups[3].Value is "System.Double" or "System.Int32" or "System.Int64" ? "a number" : "a valid value";
            return $"{m.Groups[2].Value}: \"{m.Groups[1].Value}\" is not {what}";
        }

        m = System.Text.RegularExpressions.Regex.Match(message, @"^Unrecognized command or argument '(.*)'\.$");
        if (m.Success)
        {
            return $"unknown command or argument \"{m.Groups[1].Value}\"";
        }

        m = System.Text.RegularExpressions.Regex.Match(message, @"^Required argument '(.*)' missing for command: '(.*)'\.$");
        return m.Success ? $"{m.Groups[2].Value} needs its {m.Groups[1].Value.ToUpperInvariant()}"
            : message == "Required command was not provided." ? "which command? " + CommandCatalog.Listing()
            : message;
    }

    public static string Describe(Exception e) => e switch
    {
        ConfigParseException c => c.Message,
        NoNginxException n => n.Message,
        Host.Fixes.FixLockedException l => l.Message,
        UsageException u => u.Message,
        OperationCanceledException => "time budget exhausted before the diagnosis finished",
        FileNotFoundException f => $"{f.FileName}: no such file",
        DirectoryNotFoundException => "no such directory: " + e.Message.Replace("Could not find a part of the path ", "", StringComparison.Ordinal).Trim('\'', '.'),
        UnauthorizedAccessException => "permission denied: " + e.Message.Replace("Access to the path ", "", StringComparison.Ordinal).Replace(" is denied.", "", StringComparison.Ordinal),
        IOException => e.Message,
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

    /// <summary>A cause code of the vocabulary, or a usage error that lists them.</summary>
    public static Core.Diagnosis.Cause Cause(string? code) =>
        Core.Vocabulary.Codes<Core.Diagnosis.Cause>.TryParse(code, out var cause)
            ? cause
            : throw new UsageException($"unknown cause \"{code}\"; the causes are: {string.Join(", ", Core.Vocabulary.Codes<Core.Diagnosis.Cause>.AllCodes)}");

    /// <summary>A finite number of seconds above 0 and at most <paramref name="max"/>, or a usage error naming the option.</summary>
    public static double Seconds(string option, double value, double max) =>
        double.IsFinite(value) && value > 0 && value <= max
            ? value
            : throw new UsageException($"{option}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a number of seconds above 0 and at most {max}");
}
