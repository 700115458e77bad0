using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host;
using NgxDoctor.Host.Logs;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Cli.Commands;

/// <summary>`logs`: 5xx and 499 over time, by cause, upstream and path, from the instance's logs or from files given.</summary>
public static class LogsCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "main nginx.conf whose error_log and access_log to read (default: the running nginx's)" };
        var files = new Option<string[]>("--file") { Description = "a log file copied from elsewhere (repeatable); error or access log is told from its content", AllowMultipleArgumentsPerToken = false };
        var format = new Option<string?>("--format") { Description = "log_format string of the --file access logs (default: combined)" };
        var since = new Option<string>("--since") { Description = "how far back to read (e.g. 15m, 1h, 1d); with --file, back from the newest entry", DefaultValueFactory = _ => "1h" };
        var json = new Option<bool>("--json") { Description = "print the report as one JSON document" };
        var cmd = new Command("logs", """
            What the logs say about 5xx and 499: per minute, by cause (nginx's own 502/504 told apart from the
            backend's 5xx), by upstream with latencies, top failing paths, with example lines.

            Examples:
              ngxdoctor logs --since 1h
              ngxdoctor logs --file error.log --file access.log --format '$remote_addr [$time_local] "$request" $status $upstream_status'
            """)
        {
            config, files, format, since, json,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var window = UsageException.Duration("--since", r.GetValue(since));

            var notes = new List<NotCollected>();
            var given = r.GetValue(files) ?? [];
            LocatedInstance? located = given.Length > 0 ? null : await InstanceLocator.LocateAsync(r.GetValue(config), NginxProcesses.Find(ProcessTable.Read()), ct);
            var scan = Task.Run(() => located is null
                ? LogFileSet.Collect(given, r.GetValue(format), window, notes)
                : LogCollector.Collect(ConfigLoader.LoadFile(located.ConfigFile), located, DateTime.Now, window, notes), ct);
            var totalBytes = given.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
            var logs = r.GetValue(json) ? await scan : await ScanProgressDisplay.ShowAsync(scan, totalBytes);

            // What is printed goes through the same redaction as a bundle (query values without a secret's name stay).
            var report = new LogsReport(NgxDoctor.Core.Text.FactsRedaction.Logs(logs, keepQuery: true), notes);
            if (r.GetValue(json))
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
