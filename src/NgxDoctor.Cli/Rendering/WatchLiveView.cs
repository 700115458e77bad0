using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Watch;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NgxDoctor.Cli.Rendering;

/// <summary>
/// The live view of `watch` on a terminal: per upstream the request rate and logged failures of the last minute, the
/// 5xx share of the last <see cref="ShareSeconds"/> seconds (a recovery shows at once), p50/p99, a sparkline of the last
/// <see cref="SparkSeconds"/> seconds (as many bars as the terminal has room for, never wrapped), the incident in
/// progress and its top cause; the incidents of this run below. Redrawn in place by Spectre's live display.
/// </summary>
public static class WatchLiveView
{
    public const int SparkSeconds = 120;

    /// <summary>The 5xx share is of the last seconds only: a minute's share would show a recovered upstream failing for a minute.</summary>
    public const int ShareSeconds = 10;

    /// <summary>Room the other columns and the borders take, and the widest an upstream's name is shown.</summary>
    private const int OtherColumns = 78;
    private const int NameWidth = 28;
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static IRenderable Render(string instance, TrafficStats stats, IReadOnlyList<string> log, DateTime now, int width = 120)
    {
        var room = Math.Clamp(width - OtherColumns, 8, SparkSeconds / 2);
        var per = (SparkSeconds + room - 1) / room;
        var bars = SparkSeconds / per;
        var table = new Table().Border(TableBorder.Rounded).Title(Terminal.Safe($"ngxdoctor watch · {instance} · {now:HH:mm:ss}"))
            .AddColumn(new TableColumn("upstream").NoWrap()).AddColumns("req/s", $"5xx {ShareSeconds}s", "err/min", "p50", "p99")
            .AddColumn(new TableColumn($"last {SparkSeconds / 60} min").NoWrap()).AddColumn("incident");
        foreach (var (name, u) in stats.Upstreams.OrderByDescending(u => u.Value.Current is not null).ThenByDescending(u => u.Value.Requests + u.Value.Errors).Take(20))
        {
            var (req, failed, errors) = u.Last(now, SparkSeconds);
            var minute = req[^60..].Sum();
            var recent = req[^ShareSeconds..].Sum();
            var failedRecent = failed[^ShareSeconds..].Sum();
            var share = recent == 0 ? "-" : $"{100.0 * failedRecent / recent:0.#}%";
            var incident = u.Current is { } c
                ? $"[red]{Terminal.Safe($"{c.Change.Cause.Code()} since {c.Change.Start:HH:mm:ss}")}[/]{Terminal.Safe(c.Verdict?.Findings.FirstOrDefault() is { } f ? $" ({f.Cause.Code()})" : "")}"
                : "[green]-[/]";
            table.AddRow(
                new Markup(Terminal.Safe(Shorten(name.Length == 0 ? "(nginx itself)" : name))),
                new Text((minute / 60.0).ToString("0.#", CultureInfo.InvariantCulture)),
                new Markup(failedRecent > 0 ? $"[red]{share}[/]" : share),
                new Text(errors[^60..].Sum().ToString(CultureInfo.InvariantCulture)),
                new Text(Ms(u.Latency(now, 0.5))),
                new Text(Ms(u.Latency(now, 0.99))),
                new Markup(Spark(req[^(bars * per)..], failed[^(bars * per)..], per)),
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

    /// <summary>A long name cut in its middle, where an address's port and a socket's file name are kept: never wrapped mid-word.</summary>
    public static string Shorten(string name) =>
        name.Length <= NameWidth ? name : name[..(NameWidth / 2 - 1)] + "…" + name[^(NameWidth / 2)..];

    private static string Ms(double? seconds) => seconds is { } s ? $"{s * 1000:0} ms" : "-";
}
