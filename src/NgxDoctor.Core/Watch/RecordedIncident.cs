using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Watch;

/// <summary>An incident `watch` recorded: its upstream, cause, start, end, count, the verdict when it was worst and its bundle.</summary>
public sealed record RecordedIncident(string Upstream, string Cause, DateTime Start, DateTime? End, int Count, string? WorstStatus, string? WorstCause, string? WorstTitle, string? Bundle)
{
    /// <summary>The line every renderer prints for it.</summary>
    public string Summary() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Start:yyyy-MM-dd HH:mm:ss} to {End ?? Start:HH:mm:ss}: {Upstream} {Cause}, {Count} failure(s){(WorstStatus is null ? "" : $"; worst verdict {WorstStatus} {WorstCause}")}{(Bundle is null ? "" : $"; bundle {Bundle}")}");
}

/// <summary>Which recorded incidents a diagnosis names: those of an upstream it probed or reports on, ended within its window.</summary>
public static class RecordedIncidents
{
    public const int Max = 5;

    public static IReadOnlyList<RecordedIncident> Of(DiagnosisFacts facts, IReadOnlyList<Finding> findings, IEnumerable<RecordedIncident> recorded, DateTime now, TimeSpan since)
    {
        var upstreams = (facts.Probes ?? []).Select(p => p.Target)
            .Concat(findings.Select(f => f.Upstream).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        return recorded.Where(r => upstreams.Contains(r.Upstream) && (r.End ?? r.Start) >= now - since && r.Start <= now)
            .OrderByDescending(r => r.Start).Take(Max).ToList();
    }
}
