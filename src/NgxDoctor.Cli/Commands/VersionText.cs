using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace NgxDoctor.Cli.Commands;

/// <summary>`--version`: the version, the commit it was built from, the build date and the diagnose JSON's format version.</summary>
public sealed class VersionText : SynchronousCommandLineAction
{
    /// <summary>The version alone: 1.0.0.</summary>
    public static string Version
    {
        get
        {
            var informational = typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            return informational.Split('+')[0];
        }
    }

    public static string Line()
    {
        var assembly = typeof(VersionText).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        var built = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BuildDate")?.Value ?? "unknown";
        return $"ngxdoctor {version} (commit {commit[..Math.Min(12, commit.Length)]}, built {built}; diagnose JSON format {Core.Diagnosis.DiagnosisReport.CurrentFormat})";
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Line());
        return 0;
    }

    /// <summary>The root command's --version prints <see cref="Line"/>.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionText();
        }
    }
}
