using System.CommandLine;

namespace NgxDoctor.Cli.Commands;

/// <summary>A command of ngxdoctor: its name and how it is made.</summary>
public sealed record CommandEntry(string Name, Func<Command> Create);

/// <summary>
/// The one list of ngxdoctor's commands: the root command is built from it, the "which command?" message names it,
/// and a word of it is always that command (never an Ansible arguments file of the same name).
/// </summary>
public static class CommandCatalog
{
    public static readonly IReadOnlyList<CommandEntry> All =
    [
        new("diagnose", DiagnoseCommand.Create),
        new("upstreams", UpstreamsCommand.Create),
        new("route", RouteCommand.Create),
        new("collect", CollectCommand.Create),
        new("fix", FixCommand.Create),
        new("logs", LogsCommand.Create),
        new("watch", WatchCommand.Create),
        new("report", ReportCommand.Create),
        new("explain", ExplainCommand.Create),
        new("demo", DemoCommand.Create),
        new("mcp", McpCommand.Create),
    ];

    /// <summary>Words the command line gives a meaning of their own besides the commands.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["help", "--help", "-h", "-?", "--version", "-V"];

    /// <summary>How every command line is parsed: without response files, so `@FILE` is an argument like any other, never another file's options read in.</summary>
    public static ParserConfiguration Parsing => new() { ResponseFileTokenReplacer = null };

    public static IEnumerable<string> Names => All.Select(c => c.Name);

    public static bool IsCommandWord(string word) => Names.Contains(word, StringComparer.Ordinal) || Reserved.Contains(word, StringComparer.Ordinal);

    /// <summary>"diagnose, upstreams, ... or demo".</summary>
    public static string Listing() => string.Join(", ", Names.SkipLast(1)) + " or " + Names.Last();
}
