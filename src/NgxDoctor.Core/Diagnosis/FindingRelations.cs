using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// Which finding explains which, and how sure each is. A cause that accounts for another comes first and lists it:
/// a dead or blocked server explains its group's no-live-upstreams; a saturated pool explains the timeouts and the
/// 502s of the same upstream, a backend access list that leaves nginx out its resets; a firewall explains connect timeouts; a name that does not resolve explains nginx -t
/// failing; an OOM-killed backend explains its crashes. Confidence says what the finding rests on.
/// </summary>
public static class FindingRelations
{
    private static readonly (Cause Explainer, Cause Explained)[] Rules =
    [
        (Cause.PoolExhausted, Cause.UpstreamTimeout),
        (Cause.PoolExhausted, Cause.UpstreamCrash),
        (Cause.SocketPermission, Cause.UpstreamCrash),
        (Cause.SocketPermission, Cause.BadResponse),
        (Cause.FirewallBlocked, Cause.UpstreamTimeout),
        (Cause.ResourceExhaustion, Cause.UpstreamCrash),
        (Cause.DnsStale, Cause.UpstreamDown),
        (Cause.DnsFailure, Cause.ConfigError),
    ];

    private static readonly Cause[] GroupKillers =
    [
        Cause.UpstreamDown, Cause.WrongAddress, Cause.SocketPermission, Cause.FirewallBlocked, Cause.DnsFailure, Cause.DnsStale,
        Cause.PoolExhausted, Cause.UpstreamCrash, Cause.UpstreamTimeout, Cause.BadResponse, Cause.HeaderTooBig,
    ];

    /// <summary>The findings with confidence and relations set, each explained finding right after the one that explains it.</summary>
    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> ranked, DiagnosisFacts facts)
    {
        var findings = ranked.Select(f => f with { Basis = BasisOf(f), Confidence = BasisOf(f).Level() }).ToList();
        // A finding explained by several (two dead servers of one group) follows the last of them.
        var explainers = Enumerable.Range(0, findings.Count)
            .Select(i => Enumerable.Range(0, findings.Count).Where(j => i != j && Explains(findings[j], findings[i], facts)).ToList()).ToList();
        var parent = explainers.Select((e, i) => e.Count > 0 && !explainers[e[^1]].Contains(i) ? e[^1] : (int?)null).ToArray();

        var result = new List<Finding>();
        void Emit(int i)
        {
            result.Add(findings[i] with
            {
                Explains = Enumerable.Range(0, findings.Count).Where(k => explainers[k].Contains(i)).Select(k => Key(findings[k])).ToList(),
                ExplainedBy = explainers[i].Select(j => Key(findings[j])).ToList(),
            });
            Enumerable.Range(0, findings.Count).Where(k => parent[k] == i).ToList().ForEach(Emit);
        }

        for (var i = 0; i < findings.Count; i++)
        {
            if (parent[i] is null)
            {
                Emit(i);
            }
        }

        return result;
    }

    public static string Key(Finding f) => f.Upstream is null ? f.Cause.Code() : $"{f.Cause.Code()} {f.Upstream}";

    private static bool Explains(Finding a, Finding b, DiagnosisFacts facts)
    {
        if (b.Cause == Cause.NoLiveUpstreams && GroupKillers.Contains(a.Cause) && a.Upstream is { } address)
        {
            return facts.Inventory.Targets.Any(t => t.Group == b.Upstream && t.Address.Text == address);
        }

        // A backend that answers another protocol (HTTP/2, TLS, a 0.9 stream) never ends a response nginx passed on:
        // the body timeouts that follow at that upstream are its doing, not a slow backend's.
        if (a.Cause == Cause.BadResponse && b.Cause == Cause.UpstreamTimeout)
        {
            return a.Upstream is not null && a.Upstream == b.Upstream && b.Failures.Count > 0 && b.Failures.All(k => k == Logs.FailureKind.BodyFailure);
        }

        if (!Rules.Contains((a.Cause, b.Cause)))
        {
            return false;
        }

        return a.Cause == Cause.DnsFailure
            ? b.Failures.Contains(Logs.FailureKind.Dns)
            : a.Upstream is not null && a.Upstream == b.Upstream;
    }

    /// <summary>high: reproduced now (a probe, nginx -t, a matching rule) or failing in the log as we speak; medium: logged but over, or read from the host's state; low: inferred.</summary>
    private static Basis BasisOf(Finding f)
    {
        bool Has(EvidenceKind kind) => f.Evidence.Any(e => e.Kind == kind && !e.Absence);
        return Has(EvidenceKind.Probe) && f.Severity == Severity.Critical ? Basis.Probe
            : Has(EvidenceKind.Firewall) ? Basis.FirewallRule
            : Has(EvidenceKind.Log) && f.Severity == Severity.Critical ? Basis.LogNow
            : f.Evidence.Any(e => e.Kind == EvidenceKind.Command) ? Basis.ConfigTest
            : Has(EvidenceKind.Log) ? Basis.LogPast
            : f.Evidence.Any(e => e.Kind is EvidenceKind.Process or EvidenceKind.File or EvidenceKind.Dns or EvidenceKind.Connection or EvidenceKind.System) ? Basis.HostState
            : Basis.ConfigOnly;
    }
}
