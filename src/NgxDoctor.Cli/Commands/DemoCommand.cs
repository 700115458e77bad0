using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Host.Lab;
using Spectre.Console;

namespace NgxDoctor.Cli.Commands;

/// <summary>`demo`: a throwaway nginx and backend on 127.0.0.1, the backend broken, then diagnosed, then cleaned up.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", """
            Show ngxdoctor at work without touching this host's nginx: start a throwaway nginx and a backend
            on 127.0.0.1 under a temporary directory, stop the backend, diagnose the 502, clean up.

            Example:
              ngxdoctor demo
            """);
        cmd.SetAction((_, ct) => CliErrors.GuardAsync(async () =>
        {
            var console = Terminal.Create();
            using var demo = await DemoScenario.StartAsync(line => console.MarkupLine($"[grey]demo:[/] {Terminal.Safe(line)}"));
            console.MarkupLine($"[grey]demo:[/] running: ngxdoctor diagnose --config {Terminal.Safe(demo.ConfigFile)}");
            console.WriteLine();
            var located = await Host.Diagnosis.DiagnosisService.LocateAsync(demo.ConfigFile, ct);
            var report = (await Host.Diagnosis.DiagnosisService.DiagnoseAsync(located, new Host.CollectOptions(), ct)).Report;
            ReportRenderer.Render(console, report, verbose: false);
            console.WriteLine();
            console.MarkupLine("[grey]demo:[/] stopped nginx and removed the temporary directory");
            return 0;
        }));
        return cmd;
    }
}
