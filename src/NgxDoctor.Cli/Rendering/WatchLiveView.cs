using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Watch;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// The live view of `watch` on a terminal: per upstream the request rate, 5xx share, logged failures and p50/p99 of
/// the last minute, a sparkline of the last <see cref="SparkSeconds"/> seconds (a bar per 2 s), the incident in progress and its top
/// cause; the incidents of this run below. Redrawn in place by Spectre's live display (no full-screen flicker).
/// </summary>
public static class WatchLiveView
{
    public const int SparkSeconds = 120;
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static IRenderable Render(string instance, TrafficStats stats, IReadOnlyList<string> log, DateTime now)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Terminal.Safe($"ngxdoctor watch · {instance} · {now:HH:mm:ss}"))
            .AddColumns("upstream", "req/s", "5xx", "errors/min", "p50", "p99", $"requests, last {SparkSeconds / 60} min", "incident");
        foreach (var (name, u) in stats.Upstreams.OrderByDescending(u => u.Value.Current is not null).ThenByDescending(u => u.Value.Requests + u.Value.Errors).Take(20))
        {
            var (req, failed, errors) = u.Last(now, SparkSeconds);
            var minute = req[^60..].Sum();
            var failedMinute = failed[^60..].Sum();
            var share = minute == 0 ? "-" : $"{100.0 * failedMinute / minute:0.#}%";
            var incident = u.Current is { } c
                ? $"[red]{Terminal.Safe($"{c.Change.Cause.Code()} since {c.Change.Start:HH:mm:ss}")}[/]{Terminal.Safe(c.Verdict?.Findings.FirstOrDefault() is { } f ? $" ({f.Cause.Code()})" : "")}"
                : "[green]-[/]";
            table.AddRow(
                new Markup(Terminal.Safe(name.Length == 0 ? "(nginx itself)" : name)),
                new Text((minute / 60.0).ToString("0.#", CultureInfo.InvariantCulture)),
                new Markup(failedMinute > 0 ? $"[red]{share}[/]" : share),
                new Text(errors[^60..].Sum().ToString(CultureInfo.InvariantCulture)),
                new Text(Ms(u.Latency(now, 0.5))),
                new Text(Ms(u.Latency(now, 0.99))),
                new Markup(Spark(req, failed)),
                new Markup(incident));
        }

        if (stats.Upstreams.Count == 0)
        {
            table.AddRow(new Text("(nothing logged yet)"));
        }

        return new Rows(table, new Text(string.Join('\n', log.TakeLast(8))));
    }

    /// <summary>One bar per <paramref name="per"/> seconds, scaled to the busiest; a bar with a 5xx is red.</summary>
    public static string Spark(int[] requests, int[] failed, int per = 2)
    {
        var sums = requests.Chunk(per).Select(c => c.Sum()).ToArray();
        var bad = failed.Chunk(per).Select(c => c.Sum()).ToArray();
        var max = Math.Max(1, sums.Max());
        var chars = sums.Select((n, i) =>
        {
            var bar = n == 0 ? ' ' : Bars[Math.Min(Bars.Length - 1, (int)((long)n * (Bars.Length - 1) / max))];
            return bad[i] > 0 ? $"[red]{bar}[/]" : bar.ToString();
        });
        return string.Concat(chars);
    }

    private static string Ms(double? seconds) => seconds is { } s ? $"{s * 1000:0} ms" : "-";
}
