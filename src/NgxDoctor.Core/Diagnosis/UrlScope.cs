using NgxDoctor.Core.Analysis;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// `diagnose --url`: findings about upstreams the URL's route does not reach are listed, never as critical (the
/// contract). Findings about nginx itself (no upstream) concern every URL and keep their severity.
/// </summary>
public static class UrlScope
{
    public static DiagnosisReport Apply(DiagnosisReport report, RouteReport route)
    {
        var reached = route.Upstreams;
        var hosts = reached.Select(u => u.Contains(':', StringComparison.Ordinal) ? u[..u.LastIndexOf(':')] : u).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var findings = report.Findings.Select(f =>
            f.Severity == Severity.Critical && f.Upstream is { } u && !reached.Contains(u) && !hosts.Contains(u)
                ? f with { Severity = Severity.Warning, Title = $"{f.Title} (not on the route of {route.Url})" }
                : f).ToList();
        // The order (root causes before what they explain) stays; only what is critical now comes first.
        var ranked = findings.OrderByDescending(f => f.Severity).ToList();
        return report with { Findings = ranked, Status = DiagnosisEngine.StatusOf(ranked, report.Checks), Route = route };
    }
}
