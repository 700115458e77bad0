using NgxDoctor.Core.Vocabulary;
using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>Log incidents as evidence: a summary line (count, first and last seen) and the sampled lines with file:line.</summary>
public static class LogEvidence
{
    public static List<Evidence> For(IEnumerable<LogIncident> incidents)
    {
        var list = new List<Evidence>();
        foreach (var i in incidents)
        {
            var source = i.Samples.Count > 0 ? i.Samples[0].Source[..i.Samples[0].Source.LastIndexOf(':')] : "error log";
            list.Add(new Evidence(EvidenceKind.Log, source, $"{i.Count} \"{i.Kind.Code()}\" entr{(i.Count == 1 ? "y" : "ies")}{(i.Status is { } s ? $" ({s})" : "")} from {Time(i.FirstSeen)} to {Time(i.LastSeen)}"));
            list.AddRange(i.Samples.Select(s => new Evidence(EvidenceKind.Log, s.Source, s.Text)));
        }

        return list;
    }

    /// <summary>Whether these entries stopped a while before the facts were gathered (an outage that has ended).</summary>
    public static bool HasStopped(LogFacts logs, IEnumerable<LogIncident> incidents) =>
        incidents.Max(i => i.LastSeen) < logs.Now - LogFacts.Quiet || logs.BeforeChange(incidents);

    /// <summary>"; nginx loaded its configuration at T (its workers started then)" when that happened after these failures; else "".</summary>
    public static string ReloadedSince(DiagnosisFacts facts, IEnumerable<LogIncident> incidents) =>
        facts.Instance?.WorkersStarted is { } started && facts.Logs is { } logs && started > incidents.Max(i => i.LastSeen) && started <= logs.Now
            ? $"; nginx loaded its configuration at {Time(started)} (its workers started then)"
            : "";

    public static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Incidents of the given kinds that concern a target's address (or its group's name, for no-live-upstreams).</summary>
    public static List<LogIncident> ForAddress(DiagnosisFacts facts, string address, params Logs.FailureKind[] kinds) =>
        FactsLookups.Of(facts).Incidents.GetValueOrDefault(address)?.Where(i => kinds.Contains(i.Kind)).ToList() ?? [];
}
