using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The `logs` report on a terminal: files read, failures by cause and upstream, per minute, per upstream, top paths.</summary>
public static class LogsRenderer
{
    public static void Render(IAnsiConsole console, LogsReport report)
    {
        var logs = report.Logs;
        console.MarkupLine($"[bold]Logs from {logs.Now - logs.Since:yyyy-MM-dd HH:mm:ss} to {logs.Now:yyyy-MM-dd HH:mm:ss}[/]");
        foreach (var f in logs.Files.Concat(logs.Access?.Files ?? []))
        {
            console.MarkupLine($"  {Terminal.Safe(f.Kind),-6} {Terminal.Safe(f.Path)}: {f.Lines} line(s) read, {f.Entries} in the window, {f.Unclassified} unclassified, {f.Unrecognized} unrecognized{(f.Oversize > 0 ? $", {f.Oversize} cut at 64 KiB" : "")}");
            foreach (var s in f.UnclassifiedSamples.Take(2))
            {
                console.MarkupLine($"         [grey]{Terminal.Safe(s.Source)}  {Terminal.Safe(s.Text)}[/]");
            }
        }

        foreach (var s in report.Skipped)
        {
            console.MarkupLine($"  [yellow]not read:[/] {Terminal.Safe(s.Reason)}");
        }

        var incidents = logs.Incidents.Concat(logs.Access?.BackendErrors ?? []).OrderByDescending(i => i.Count).ToList();
        console.WriteLine();
        var nothingRead = logs.Files.Count == 0 && logs.Access is null;
        console.MarkupLine(incidents.Count > 0 ? "[bold]Failures by cause[/]"
            : nothingRead ? "[yellow]No log could be read: nothing is known of the window.[/]"
            : report.UnexplainedGatewayErrors > 0 ? $"[yellow]{report.UnexplainedGatewayErrors} 502/504 response(s) in the access log, and no error-log entry says why: {(report.ErrorLogRead
                ? "the error log read has none in the window (nginx may log elsewhere, or above the error level)"
                : "no error log was read (give it with --file, or see error_log in the configuration)")}.[/]"
            : "[green]No upstream failure in the window.[/]");
        foreach (var i in incidents)
        {
            console.MarkupLine($"  {i.Count,7}  {(i.Cause is { } cause ? cause.Code() : "-"),-20} {i.Kind.Code(),-18} {Terminal.Safe(i.Upstream ?? "-"),-28} {i.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",4}  {i.FirstSeen:HH:mm:ss}..{i.LastSeen:HH:mm:ss}");
            if (i.Samples.Count > 0)
            {
                console.MarkupLine($"           [grey]{Terminal.Safe(i.Samples[^1].Source)}  {Terminal.Safe(i.Samples[^1].Text)}[/]");
            }
        }

        if (logs.Access is not { } access)
        {
            return;
        }

        var minutes = access.Minutes.Where(m => m.Status499 + m.Status500 + m.Status502 + m.Status503 + m.Status504 > 0).ToList();
        if (minutes.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]Per minute[/] (minutes with 5xx or 499; 5xx told apart: {(access.Attributed ? "yes" : "no, the error log was not read")})");
            console.MarkupLine("  minute              requests   499   500   502   503   504  backend");
            foreach (var m in minutes)
            {
                console.MarkupLine($"  {m.Minute:yyyy-MM-dd HH:mm}  {m.Requests,9} {m.Status499,5} {m.Status500,5} {m.Status502,5} {m.Status503,5} {m.Status504,5} {m.BackendGenerated,8}");
            }
        }

        if (access.Upstreams.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]By upstream[/] ($upstream_addr; latency from $upstream_response_time)");
            foreach (var u in access.Upstreams.Take(20))
            {
                console.MarkupLine($"  {Terminal.Safe(u.Upstream),-28} {u.Requests,8} req  5xx {u.Errors5xx,6} (nginx {u.NginxGenerated}, backend {u.BackendGenerated})  p50 {Seconds(u.P50)} p90 {Seconds(u.P90)} p99 {Seconds(u.P99)} max {Seconds(u.Max)}");
            }
        }

        if (access.Locations.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]By location[/] (5xx and 499, routed through the configuration)");
            foreach (var l in access.Locations.Take(20))
            {
                console.MarkupLine($"  5xx {l.Errors5xx,6} (502 {l.Status502}, 504 {l.Status504})  499 {l.Status499,6}  {Terminal.Safe(l.Location)}");
            }
        }

        if (access.TopErrorPaths.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Top paths with 5xx or 499[/]");
            foreach (var p in access.TopErrorPaths)
            {
                console.MarkupLine($"  {p.Count,7}  {Terminal.Safe(p.Path)}");
            }
        }
    }

    private static string Seconds(double? s) => s is { } v ? $"{v:0.000}s" : "-";
}
