using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>One instance of a host's report: its id (each of its findings carries it), what it is, and its own verdict.</summary>
public sealed record InstanceSummary(string Id, int? MasterPid, string ConfigFile, Status Status, string Verdict, string Where)
{
    public ContainerIdentity? Container { get; init; }

    public ulong? NetworkNamespace { get; init; }

    /// <summary>Neither in a container nor in a network namespace of its own.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool OnHost => Container is null && NetworkNamespace is null;
}

/// <summary>An instance's identity and its own report, for renderers that print one section per instance.</summary>
public sealed record InstanceSection(InstanceSummary Instance, DiagnosisReport Report);

/// <summary>
/// Several instances' reports as one document (the contract's "several instances"): status is the worst, findings are
/// grouped by instance, the worst instance first, each instance's likeliest root cause first within it.
/// </summary>
public static class InstanceReports
{
    /// <summary>Whether a report is worth one section per instance: several, or one that is not simply the host's nginx.</summary>
    public static bool HasSections(DiagnosisReport r) => r.Sections is { } s && (s.Count > 1 || !s[0].Instance.OnHost);

    public static DiagnosisReport Combine(IReadOnlyList<(InstanceIdentity Identity, DiagnosisReport Report)> parts)
    {
        var sections = parts
            .Select((p, i) => (Order: i, Section: new InstanceSection(Summary(p.Identity, p.Report), Tag(p.Report, p.Identity.Id))))
            .OrderByDescending(s => Badness(s.Section.Report.Status)).ThenBy(s => s.Order)
            .Select(s => s.Section).ToList();
        var first = sections[0].Report;
        var context = first.Context with
        {
            Upstreams = sections.Sum(s => s.Report.Context.Upstreams),
            ConfigFile = sections.Count == 1 ? first.Context.ConfigFile : string.Join(", ", sections.Select(s => s.Report.Context.ConfigFile).Distinct()),
        };
        return new DiagnosisReport(
            sections.Select(s => s.Report.Status).MaxBy(Badness),
            sections.SelectMany(s => s.Report.Findings).ToList(),
            sections.Count == 1 ? first.Skipped : sections.SelectMany(s => s.Report.Skipped.Select(k => k with { Check = $"{s.Instance.Id}: {k.Check}" })).ToList(),
            sections.SelectMany(s => s.Report.Checks).ToList(),
            context)
        {
            Instances = sections.Select(s => s.Instance).ToList(),
            Sections = sections,
            Failures = sections.Select(s => s.Report.Failures).OfType<RequestPath.FailureTally>().Aggregate((RequestPath.FailureTally?)null,
                (sum, t) => sum is null ? t : new(sum.Observed + t.Observed, sum.Explained + t.Explained, sum.Unexplained + t.Unexplained)),
        };
    }

    /// <summary>Critical is worse than warning, which is worse than not knowing, which is worse than ok.</summary>
    public static int Badness(Status s) => s switch
    {
        Status.Critical => 3,
        Status.Warning => 2,
        Status.Unknown => 1,
        _ => 0,
    };

    private static DiagnosisReport Tag(DiagnosisReport r, string id) => r with { Findings = r.Findings.Select(f => f with { Instance = id }).ToList() };

    private static InstanceSummary Summary(InstanceIdentity i, DiagnosisReport r) =>
        new(i.Id, i.MasterPid, i.ConfigFile, r.Status, r.Verdict.Text, i.Where)
        {
            Container = i.Container,
            NetworkNamespace = i.OwnNetwork ? i.Namespaces?.Net : null,
        };
}
