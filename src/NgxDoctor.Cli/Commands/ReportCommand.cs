using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Cli.Commands;

/// <summary>`report FILE...`: many hosts' `diagnose --json` documents (an Ansible run's results/) as one fleet summary.</summary>
public static class ReportCommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Markdown];
    private const long Limit = 64L << 20;

    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "diagnose --json documents, one per host (the host is the file's name without .json)", Arity = ArgumentArity.OneOrMore };
        var json = SharedOptions.Json();
        var format = SharedOptions.Format(Formats);
        var cmd = new Command("report", """
            Summarise many hosts' diagnoses: hosts worst first, then each cause with the hosts it was found on.
            Each file is one host's `ngxdoctor diagnose --json` (the Ansible playbook in dist/ansible writes them).

            Examples:
              ngxdoctor report results/*.json
              ngxdoctor report results/*.json --format markdown > fleet.md

            Exit codes: the worst host's (0 ok, 1 warning, 2 critical, 3 unknown or an unreadable file).
            """)
        {
            files, json, format,
        };
        cmd.SetAction((r, _) => CliErrors.GuardAsync(() =>
        {
            var output = SharedOptions.Output(r, json, format, Formats);
            var reports = r.GetValue(files)!.Select(f => (Host: FleetRenderer.HostOf(f), Source: f, Report: Load(f))).ToList();
            var fleet = FleetReport.Of(reports);
            Console.Out.Write(output switch
            {
                OutputFormat.Json => NgxJson.Serialize(fleet) + "\n",
                OutputFormat.Markdown => FleetRenderer.Markdown(fleet),
                _ => "",
            });
            if (output == OutputFormat.Text)
            {
                FleetRenderer.Render(Terminal.Create(), fleet);
            }

            return Task.FromResult(fleet.ExitCode);
        }));
        return cmd;
    }

    private static DiagnosisReport Load(string file)
    {
        try
        {
            return NgxJson.Deserialize<DiagnosisReport>(Config.RegularFile.ReadAllText(file, Limit)) ?? throw new UsageException($"{file}: empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"{file}: not a `diagnose --json` document ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(e.Message.StartsWith(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}");
        }
    }
}
