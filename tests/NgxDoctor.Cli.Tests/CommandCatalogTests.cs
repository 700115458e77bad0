using System.Text.RegularExpressions;
using NgxDoctor.Cli.Commands;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>One list of commands (issue 25): what --help shows, what "which command?" names and what a task may run agree with it.</summary>
public sealed partial class CommandCatalogTests
{
    [Fact]
    public void Help_the_which_command_message_and_the_ansible_module_name_the_commands_of_the_catalog()
    {
        Assert.All(CommandCatalog.All, e => Assert.Equal(e.Name, e.Create().Name));
        Assert.Equal(CommandCatalog.Names.Count(), CommandCatalog.Names.Distinct().Count());

        var help = NgxDoctorCli.Run("--help").Stdout;
        var section = help[help.IndexOf("Commands:", StringComparison.Ordinal)..];
        var listed = section.Split('\n').Select(l => CommandLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(CommandCatalog.Names.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var none = NgxDoctorCli.Run();
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("which command? " + CommandCatalog.Listing(), none.Stderr, StringComparison.Ordinal);
        Assert.All(CommandCatalog.Names, n => Assert.Contains(n, none.Stderr, StringComparison.Ordinal));

        Assert.Subset(CommandCatalog.Names.ToHashSet(StringComparer.Ordinal), AnsibleModule.Commands.ToHashSet(StringComparer.Ordinal));
        Assert.All(CommandCatalog.Names, n => Assert.False(AnsibleModule.IsCandidate([n]), n));
    }

    [GeneratedRegex("^  ([a-z]+)(?: <[a-z]+>)? {2,}\\S")]
    private static partial Regex CommandLine();
}
