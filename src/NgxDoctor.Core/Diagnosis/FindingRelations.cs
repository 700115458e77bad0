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
        var index = new SuspectIndex(findings);
        var explainers = findings.Select((f, i) => Suspects(index, f, facts).Where(j => i != j && Explains(findings[j], f, facts)).ToList()).ToList();
        var explained = findings.Select(_ => new List<int>()).ToList();
        var children = findings.Select(_ => new List<int>()).ToList();
        var parent = new int?[findings.Count];
        for (var i = 0; i < findings.Count; i++)
        {
            explainers[i].ForEach(j => explained[j].Add(i));
            if (explainers[i] is [.., var last] && !explainers[last].Contains(i))
            {
                parent[i] = last;
                children[last].Add(i);
            }
        }

        var result = new List<Finding>();
        void Emit(int i)
        {
            result.Add(findings[i] with
            {
                Explains = explained[i].Select(k => Key(findings[k])).ToList(),
                ExplainedBy = explainers[i].Select(j => Key(findings[j])).ToList(),
            });
            children[i].ForEach(Emit);
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

    /// <summary>
    /// The findings that could explain <paramref name="b"/>, in rank order: those at its upstream, those at an address of
    /// its group, and name-resolution failures. Asking only these keeps thousands of findings from being paired each
    /// with each.
    /// </summary>
    private static IEnumerable<int> Suspects(SuspectIndex index, Finding b, DiagnosisFacts facts)
    {
        var at = b.Upstream is { } u ? index.AtUpstream.GetValueOrDefault(u) ?? [] : [];
        var group = b.Cause != Cause.NoLiveUpstreams ? []
            : b.Upstream is { } g ? FactsLookups.Of(facts).TargetsOfGroup(g).SelectMany(t => index.AtUpstream.GetValueOrDefault(t.Address.Text) ?? [])
            : Enumerable.Range(0, index.Count);
        return at.Concat(group).Concat(index.DnsFailures).Distinct().Order();
    }

    private sealed class SuspectIndex(List<Finding> findings)
    {
        public int Count => findings.Count;

        public Dictionary<string, List<int>> AtUpstream { get; } = Enumerable.Range(0, findings.Count).Where(i => findings[i].Upstream is not null)
            .GroupBy(i => findings[i].Upstream!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        public List<int> DnsFailures { get; } = Enumerable.Range(0, findings.Count).Where(i => findings[i].Cause == Cause.DnsFailure).ToList();
    }

    public static string Key(Finding f) => f.Upstream is null ? f.Cause.Code() : $"{f.Cause.Code()} {f.Upstream}";

    private static bool Explains(Finding a, Finding b, DiagnosisFacts facts)
    {
        if (b.Cause == Cause.NoLiveUpstreams && GroupKillers.Contains(a.Cause) && a.Upstream is { } address)
        {
            return b.Upstream is { } group
                ? FactsLookups.Of(facts).TargetsOfGroup(group).Any(t => t.Address.Text == address)
                : facts.Inventory.Targets.Any(t => t.Group is null && t.Address.Text == address);
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
