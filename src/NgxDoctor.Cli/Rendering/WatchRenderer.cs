using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Watch;

namespace NgxDoctor.Cli.Rendering;

/// <summary>One finding of the diagnosis made when an incident started.</summary>
public sealed record WatchFinding(string Cause, string Severity, string? Upstream, string Title, IReadOnlyList<string> Evidence);

/// <summary>What `watch --json` prints per incident change: one JSON object on one line.</summary>
public sealed record WatchLine(string Event, string Upstream, string Cause, DateTime Start, DateTime? End, int Count, string FirstLine, string? Status, double? DiagnosedInMs, string? Bundle, IReadOnlyList<WatchFinding> Findings);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(WatchLine))]
public sealed partial class WatchJson : JsonSerializerContext;

/// <summary>An incident's start (with the verdict at that moment) and end, as a line of text or of JSON.</summary>
public static class WatchRenderer
{
    public static WatchLine Line(WatchEvent e)
    {
        var c = e.Change;
        var findings = (e.Verdict?.Findings ?? []).Select(f => new WatchFinding(f.Cause.Code(), f.Severity.Code(), f.Upstream, f.Title, f.Evidence.Select(x => $"{x.Source}: {x.Text}").ToList())).ToList();
        return new WatchLine(c.Phase == IncidentPhase.Started ? "started" : "ended", c.Upstream, c.Cause.Code(), c.Start, c.End, c.Count, c.FirstLine, e.Verdict?.Status.Code(), e.DiagnosedInMs, e.Bundle, findings);
    }

    public static string Json(WatchEvent e) => JsonSerializer.Serialize(Line(e), WatchJson.Default.WatchLine);

    public static string Text(WatchEvent e)
    {
        var c = e.Change;
        var at = (c.End ?? DateTime.Now).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        if (c.Phase == IncidentPhase.Ended)
        {
            return SafeText.Escape($"{at} incident ended: {c.Upstream} {c.Cause.Code()}, {c.Count} failure(s) from {c.Start:HH:mm:ss} to {c.End:HH:mm:ss}", 2000);
        }

        var top = e.Verdict?.Findings.FirstOrDefault();
        var verdict = top is null ? "the diagnosis at once found nothing" : $"at once: {top.Severity.Code()} {top.Cause.Code()}: {top.Title}";
        return SafeText.Escape($"{DateTime.Now:HH:mm:ss} incident started: {c.Upstream} {c.Cause.Code()} ({c.Count} failures since {c.Start:HH:mm:ss}); {verdict} (diagnosed in {e.DiagnosedInMs:0} ms){(e.Bundle is null ? "" : $"; bundle {e.Bundle}")}", 2000);
    }
}
