using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host;
using NgxDoctor.Host.Logs;
using NgxDoctor.Host.Diagnosis;

namespace NgxDoctor.Cli.Commands;

/// <summary>`logs`: 5xx and 499 over time, by cause, upstream and path, from the instance's logs or from files given.</summary>
public static class LogsCommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json];

    public static Command Create()
    {
        var config = SharedOptions.Config();
        var pid = SharedOptions.Pid();
        var container = SharedOptions.Container();
        var files = new Option<string[]>("--file") { Description = "a log file copied from elsewhere (repeatable); error or access log is told from its content", AllowMultipleArgumentsPerToken = false };
        var logFormat = new Option<string?>("--log-format") { Description = "log_format string of the --file access logs (default: combined)" };
        var since = SharedOptions.Since("1h", "how far back to read; longer than diagnose's 15m, which counts only current evidence: this is the log's story (with --file, back from the newest entry)");
        var json = SharedOptions.Json();
        var format = SharedOptions.Format(Formats);
        var cmd = new Command("logs", """
            What the logs say about 5xx and 499: per minute, by cause (nginx's own 502/504 told apart from the
            backend's 5xx), by upstream with latencies, top failing paths, with example lines.

            Examples:
              ngxdoctor logs --since 1h
              ngxdoctor logs --container shop-web-1       # nginx in a container, its stdout/stderr from the runtime's log
              ngxdoctor logs --file error.log --file access.log --log-format '$remote_addr [$time_local] "$request" $status $upstream_status'
            """)
        {
            config, pid, container, files, logFormat, since, json, format,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var window = UsageException.Duration("--since", r.GetValue(since));
            var asJson = SharedOptions.Output(r, json, format, Formats) == OutputFormat.Json;

            var notes = new List<NotCollected>();
            var given = r.GetValue(files) ?? [];
            LocatedInstance? located = given.Length > 0 ? null : await DiagnosisService.LocateOneAsync(r.GetValue(config), new InstanceSelector(r.GetValue(pid), r.GetValue(container)), ct);
            var scan = Task.Run(() => located is null
                ? LogFileSet.Collect(given, r.GetValue(logFormat), window, notes)
                : LogCollector.Collect(located.LoadConfig(), located, DateTime.Now, window, notes), ct);
            var totalBytes = given.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
            var logs = asJson ? await scan : await ScanProgressDisplay.ShowAsync(scan, totalBytes);

            // What is printed goes through the same redaction as a bundle (query values without a secret's name stay).
            var report = new LogsReport(NgxDoctor.Core.Text.FactsRedaction.Logs(logs, keepQuery: true), notes);
            if (asJson)
            {
                Console.Out.WriteLine(NgxJson.Serialize(report));
            }
            else
            {
                LogsRenderer.Render(Terminal.Create(), report);
            }

            return logs.Files.Count == 0 && logs.Access is null ? CliErrors.Unknown : 0;
        }));
        return cmd;
    }
}
