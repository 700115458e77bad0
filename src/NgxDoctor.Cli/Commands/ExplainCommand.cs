using System.CommandLine;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Cli.Commands;

/// <summary>`explain CAUSE`: the docs page of a cause code (what it is, how it is detected, how to fix and confirm), built into the program.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var cause = new Argument<string>("cause") { Description = "a cause code, e.g. upstream-down" };
        var cmd = new Command("explain", $"""
            Print what a cause code means, how ngxdoctor detects it, how to fix it and how to confirm the fix.

            Cause codes: {string.Join(", ", Cause.All)}

            Example:
              ngxdoctor explain socket-permission
            """)
        {
            cause,
        };
        cmd.SetAction((r, _) => CliErrors.GuardAsync(() =>
        {
            var code = r.GetValue(cause)!;
            if (!Cause.All.Contains(code))
            {
                throw new UsageException($"unknown cause \"{code}\"; the causes are: {string.Join(", ", Cause.All)}");
            }

            using var page = typeof(ExplainCommand).Assembly.GetManifestResourceStream($"causes/{code}.md")
                ?? throw new UsageException($"no page for {code} is built in");
            using var reader = new StreamReader(page);
            Console.Out.Write(reader.ReadToEnd());
            return Task.FromResult(0);
        }));
        return cmd;
    }
}
