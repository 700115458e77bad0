using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.RequestPath;

/// <summary>
/// A stopped container that answers to an upstream's name is the root of everything that fails on the way to it:
/// the name that no longer resolves (Docker's DNS drops a stopped container), and the connects nginx still makes to
/// the address it resolved at start (no route, or a timeout while a neighbour entry lingers). Those findings become
/// one: the target is down because its container is not running; what each said stays as evidence, the failures
/// they explained are its.
/// </summary>
public static class ContainerRoots
{
    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, DiagnosisFacts facts)
    {
        if (facts.Peers is not { Count: > 0 } peers)
        {
            return findings;
        }

        var networks = facts.Identity?.Container?.Networks ?? [];
        var model = PathModel.Build(facts);
        var result = findings.ToList();
        foreach (var node in model.Targets.Where(n => n.Target.Address is { Kind: UpstreamAddressKind.Hostname, Host: not null }))
        {
            var host = node.Target.Address.Host!;
            if (!peers.Any(p => p.State is "exited" or "created" && p.Container is not null && p.AnswersTo(host, networks)))
            {
                continue;
            }

            var members = result.Where(f => f.Cause != Cause.UnexplainedFailures && f.Upstream is not null && Names(f).Any(node.Names.Contains)).ToList();
            if (members.Count < 2 && !members.Any(m => m.Cause != Cause.DnsFailure))
            {
                continue;
            }

            var at = result.IndexOf(members.OrderByDescending(m => m.Severity).First());
            result[at] = Root(node.Target, members);
            result.RemoveAll(f => members.Contains(f) && !ReferenceEquals(f, result[at]));
        }

        return result.Count == findings.Count ? findings : result.OrderByDescending(f => f.Severity).ToList();
    }

    private static IEnumerable<string> Names(Finding f) => f.Affects.Count > 0 ? f.Affects : [f.Upstream!];

    private static Finding Root(UpstreamTarget target, IReadOnlyList<Finding> members)
    {
        var first = members.OrderByDescending(m => m.Severity).First();
        var observed = members.Select(m => m.Observed).OfType<ObservedFailures>().ToList();
        return first with
        {
            Cause = Cause.UpstreamDown,
            Check = Cause.UpstreamDown.Code(),
            Severity = observed.Any(o => o.Now) ? Severity.Critical : members.Max(m => m.Severity),
            Upstream = target.Address.Text,
            Title = $"{target.Address.Text} is down",
            Evidence = members.SelectMany(m => m.Evidence).Distinct().OrderBy(e => e.Kind == EvidenceKind.Config ? 0 : 1).ToList(),
            Remedy = new Remedy("Start the container again; if it exits again, its own log says why (`docker logs`). Once it runs, Docker's DNS answers for its name again; reload nginx if it resolved the name only at start.", []),
            Failures = members.SelectMany(m => m.Failures).Distinct().ToList(),
            Affects = members.SelectMany(Names).Distinct().Count() > 1 ? [target.Address.Text, .. members.SelectMany(Names).Where(n => n != target.Address.Text).Distinct()] : [],
            Observed = observed.Count == 0 ? null : new ObservedFailures(observed.Sum(o => o.Failures), observed.Min(o => o.Since), observed.Max(o => o.Until), observed.Any(o => o.Now)),
        };
    }
}
