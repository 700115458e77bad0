using System.CommandLine;
using NgxDoctor.Cli.Commands;

namespace NgxDoctor.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Ansible runs a binary module as `MODULE /ABSOLUTE/ARGS_FILE`: the file's JSON says what to run (dist/ansible).
        if (AnsibleModule.IsCandidate(args))
        {
            return AnsibleModule.Load(args[0], out var why) is { } task
                ? await AnsibleModule.RunAsync(task, RunAsync)
                : CliErrors.Fail(why!);
        }

        return await RunAsync(args);
    }

    /// <summary>One command line, parsed and run: the exit code, errors as one line (JSON with --json).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        CliErrors.JsonRequested = SharedOptions.WantsJson(args);
        CliErrors.NagiosRequested = SharedOptions.WantsFormat(args, "nagios");
        args = args switch
        {
            // `ngxdoctor help [COMMAND]` is `ngxdoctor [COMMAND] --help`; -V is --version.
            ["help", .. var rest] => [.. rest, "--help"],
            ["-V"] => ["--version"],
            _ => args,
        };
        var root = new RootCommand("""
            ngxdoctor: why does nginx answer 502 Bad Gateway (or 504, 503, 499) right now, on this box?
            It finds the running nginx, reads its configuration, checks every upstream as nginx's workers
            would, and says with evidence what is wrong and how to fix it.

            Examples:
              ngxdoctor help diagnose           # the options of a command (or: ngxdoctor diagnose --help)
              ngxdoctor demo                    # see it diagnose a throwaway broken nginx
              ngxdoctor diagnose                # the running nginx
              ngxdoctor upstreams --json        # what nginx passes requests to
              ngxdoctor route http://example.com/api   # which server/location/upstream serve a URL
              ngxdoctor report results/*.json   # many hosts' diagnose --json, as one fleet summary
            """);
        foreach (var entry in CommandCatalog.All)
        {
            root.Subcommands.Add(entry.Create());
        }

        VersionText.Install(root);
        ShortHelp.Install(root);
        var parse = root.Parse(args, CommandCatalog.Parsing);
        if (parse.Errors.Count > 0)
        {
            var first = parse.Errors.Select(e => CliErrors.ParseError(e.Message)).Distinct().ToList();
            // An unknown command also says a command is missing: the unknown word is the message.
            var said = first.Count > 1 ? first.Where(m => !m.StartsWith("which command?", StringComparison.Ordinal)).ToList() : first;
            return CliErrors.Fail($"{string.Join("; ", said)} (see ngxdoctor --help)");
        }

        return await CliErrors.GuardAsync(() => parse.InvokeAsync());
    }
}
