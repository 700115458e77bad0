using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.RequestPath;

/// <summary>One instance of a host's diagnosis: who it is, its facts (null when they could not be gathered), its report.</summary>
public sealed record InstancePart(InstanceIdentity Identity, DiagnosisFacts? Facts, DiagnosisReport Report);

/// <summary>
/// nginx in front of nginx: an upstream whose listener is another diagnosed instance (its master or workers hold the
/// socket) is followed into it. The inner instance's first finding is the root; the front's findings at that
/// upstream follow from it (explainedBy, and their title names the inner nginx), the root says what the front passes
/// on to it, and the inner instance is reported first.
/// </summary>
public static class NginxChains
{
    public static IReadOnlyList<InstancePart> Apply(IReadOnlyList<InstancePart> parts)
    {
        var result = parts.ToList();
        var inners = new List<int>();
        for (var i = 0; i < result.Count; i++)
        {
            if (result[i].Facts is not { } facts)
            {
                continue;
            }

            foreach (var node in PathModel.Build(facts).Targets.Where(n => n.Listener is not null))
            {
                var j = result.FindIndex(p => p != result[i] && Serves(p, node.Listener!));
                if (j >= 0 && result[j].Report.Findings.FirstOrDefault(f => f.Severity >= Severity.Warning) is { } root)
                {
                    (result[i], result[j]) = Link(result[i], result[j], node, root);
                    inners.Add(j);
                }
            }
        }

        // The root first: each inner instance before the others (Combine then orders by status, keeping this order among equals).
        return inners.Count == 0 ? result : inners.Distinct().Select(j => result[j]).Concat(result.Where((_, k) => !inners.Contains(k))).ToList();
    }

    private static bool Serves(InstancePart inner, Listener listener)
    {
        var pids = (inner.Facts?.Instance?.WorkerPids ?? []).Append(inner.Identity.MasterPid ?? -1).ToHashSet();
        return listener.Processes.Any(p => pids.Contains(p.Pid));
    }

    private static (InstancePart Front, InstancePart Inner) Link(InstancePart front, InstancePart inner, TargetNode node, Finding root)
    {
        var model = PathModel.Build(front.Facts!);
        var target = node.Target.Address.Text;
        var cause = $"{inner.Identity.Id}: {root.Cause.Code()} {root.Upstream}";
        bool About(Finding f) => (f.Affects.Count > 0 ? f.Affects : [f.Upstream ?? ""]).Any(u => model.Same(u, target));
        var passed = front.Report.Findings.Where(About).Sum(f => f.Observed?.Failures ?? 0);
        var where = $"{target} is nginx {inner.Identity.Id}, where {root.Cause.Code()} {root.Upstream}";
        var findings = front.Report.Findings.Select(f => !About(f) || f.ExplainedBy.Contains(cause) ? f
            : f.Cause == Cause.UnexplainedFailures && f.Affects.Count == 0
            ? f with
            {
                // The failures no check of the front explained are the inner nginx's answers, passed on.
                Cause = Cause.BackendError,
                Check = Cause.BackendError.Code(),
                Title = $"{target} answered {f.Observed?.Failures ?? 0} request(s) with errors that nginx passed on: {where}",
                ExplainedBy = [.. f.ExplainedBy, cause],
                Remedy = new Remedy($"Fix what fails in nginx {inner.Identity.Id} (its findings): this nginx only passes its answers on.", []),
            }
            : f with { Title = $"{f.Title} ({where})", ExplainedBy = [.. f.ExplainedBy, cause] }).ToList();
        var moved = front.Report.Findings.Where(f => f.Cause == Cause.UnexplainedFailures && About(f) && f.Affects.Count == 0).Sum(f => f.Observed?.Failures ?? 0);
        var tally = front.Report.Failures is { } t && moved > 0 ? t with { Explained = t.Explained + moved, Unexplained = t.Unexplained - moved } : front.Report.Failures;
        var status = DiagnosisEngine.StatusOf(findings, front.Report.Checks);
        var note = new Evidence(EvidenceKind.Process, $"nginx {front.Identity.Id}", $"nginx {front.Identity.Id} passes requests to this nginx at {target}{(passed > 0 ? $"; {passed} of them failed in its window" : "")}: its failures there follow from this");
        var innerFindings = inner.Report.Findings.Select(f => ReferenceEquals(f, root) && !f.Evidence.Contains(note) ? f with { Evidence = [.. f.Evidence, note] } : f).ToList();
        return (front with { Report = front.Report with { Findings = findings, Failures = tally, Status = status } }, inner with { Report = inner.Report with { Findings = innerFindings } });
    }
}
