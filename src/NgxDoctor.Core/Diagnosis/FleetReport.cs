namespace NgxDoctor.Core.Diagnosis;

/// <summary>One host of a fleet: its name, where its report came from, its verdict and findings.</summary>
public sealed record FleetHost(string Host, string Source, Status Status, string Verdict, int Critical, int Warning, int Info);

/// <summary>One host a cause was found on, with the finding that says so.</summary>
public sealed record FleetOccurrence(string Host, Severity Severity, string? Upstream, string Title);

/// <summary>A cause across the fleet: every host it was found on, the worst first.</summary>
public sealed record FleetCause(Cause Cause, Severity Worst, IReadOnlyList<FleetOccurrence> Hosts);

/// <summary>
/// Many hosts' diagnose documents as one summary (`ngxdoctor report`, `diagnose --from` several bundles): hosts worst
/// first, then each cause with the hosts it was found on, the cause with the worst and most hosts first.
/// </summary>
public sealed record FleetReport(Status Status, IReadOnlyList<FleetHost> Hosts, IReadOnlyList<FleetCause> Causes)
{
    public int ExitCode => (int)Status;

    public static FleetReport Of(IReadOnlyList<(string Host, string Source, DiagnosisReport Report)> reports)
    {
        var hosts = reports
            .Select(r => new FleetHost(r.Host, r.Source, r.Report.Status, r.Report.Verdict.Text, Count(r.Report, Severity.Critical), Count(r.Report, Severity.Warning), Count(r.Report, Severity.Info)))
            .OrderByDescending(h => InstanceReports.Badness(h.Status)).ThenByDescending(h => h.Critical).ThenByDescending(h => h.Warning).ThenBy(h => h.Host, StringComparer.Ordinal)
            .ToList();
        var causes = reports
            .SelectMany(r => r.Report.Findings.Select(f => (r.Host, Finding: f)))
            .GroupBy(x => x.Finding.Cause)
            .Select(g => new FleetCause(
                g.Key,
                g.Max(x => x.Finding.Severity),
                g.GroupBy(x => x.Host, StringComparer.Ordinal)
                    .Select(h => h.OrderByDescending(x => x.Finding.Severity).First())
                    .Select(x => new FleetOccurrence(x.Host, x.Finding.Severity, x.Finding.Upstream, x.Finding.Title))
                    .OrderByDescending(o => o.Severity).ThenBy(o => o.Host, StringComparer.Ordinal).ToList()))
            .OrderByDescending(c => c.Worst).ThenByDescending(c => c.Hosts.Count).ThenBy(c => c.Cause.Code(), StringComparer.Ordinal)
            .ToList();
        var status = hosts.Count == 0 ? Status.Unknown : hosts.Select(h => h.Status).MaxBy(InstanceReports.Badness);
        return new FleetReport(status, hosts, causes);
    }

    private static int Count(DiagnosisReport r, Severity s) => r.Findings.Count(f => f.Severity == s);
}
