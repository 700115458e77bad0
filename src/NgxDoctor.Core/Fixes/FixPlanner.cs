using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Fixes;

/// <summary>The plan for a report's findings: each finding's fixer (found by type, one file each), or why there is none.</summary>
public static class FixPlanner
{
    public static IReadOnlyList<IFixer> All { get; } = TypeRegistry.InstancesOf<IFixer>();

    public static FixPlan Plan(DiagnosisReport report, DiagnosisFacts facts, NginxConfig config, Cause? only = null)
    {
        var actions = new List<FixAction>();
        // Plans from current evidence only: an info finding is history (failures that ended before a verified fix).
        foreach (var f in report.Findings.Where(f => (only is null || f.Cause == only) && f.Severity != Severity.Info))
        {
            var fixer = All.FirstOrDefault(x => x.Cause == f.Cause);
            FixAction action;
            try
            {
                action = fixer is null ? FixAction.None(f, $"no safe automatic fix for {f.Cause.Code()}: follow the remedy") : fixer.Plan(f, facts, config);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
            {
                action = FixAction.None(f, $"the fixer could not plan ({e.Message})");
            }

            actions.Add(action);
        }

        // Two findings can lead to the same edit (a probe and a log of one problem): it is planned once.
        return new FixPlan(actions.Select((a, i) => actions.Take(i).Any(b => b.Safe && b.Edits.SequenceEqual(a.Edits) && b.Edits.Count > 0)
            ? a with { Edits = [], Commands = [], Summary = "planned with an earlier finding" } : a).ToList());
    }
}
