using System.CommandLine;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Commands;

/// <summary>`explain CAUSE`: the docs page of a cause code (what it is, how it is detected, how to fix and confirm), built into the program.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var cause = new Argument<string>("cause") { Description = "a cause code, e.g. upstream-down" };
        var json = SharedOptions.Json();
        var cmd = new Command("explain", $"""
            Print what a cause code means, how ngxdoctor detects it, how to fix it and how to confirm the fix.

            Cause codes: {string.Join(", ", Codes<Cause>.AllCodes)}

            Examples:
              ngxdoctor explain socket-permission
              ngxdoctor explain upstream-down --json     # the cause and its Markdown page as JSON
            """)
        {
            cause, json,
        };
        cmd.SetAction((r, _) => CliErrors.GuardAsync(() =>
        {
            var code = UsageException.Cause(r.GetValue(cause)).Code();

            using var page = typeof(ExplainCommand).Assembly.GetManifestResourceStream($"causes/{code}.md")
                ?? throw new UsageException($"no page for {code} is built in");
            using var reader = new StreamReader(page);
            var text = reader.ReadToEnd();
            Console.Out.Write(r.GetValue(json) ? NgxJson.Serialize(new CausePage(code, text)) + "\n" : text);
            return Task.FromResult(0);
        }));
        return cmd;
    }
}
