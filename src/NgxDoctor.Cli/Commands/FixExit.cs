using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Host.Fixes;

namespace NgxDoctor.Cli.Commands;

/// <summary>fix's exit code: 0 applied or nothing to do, 1 --apply changed nothing it was asked to, 2 rolled back.</summary>
public static class FixExit
{
    public const int NothingApplied = 1;

    public static int Of(bool apply, Cause? only, DiagnosisReport report, FixPlan plan, int chosen, ApplyResult? result)
    {
        if (result is not null)
        {
            return result.Applied ? 0 : 2;
        }

        if (!apply || WhyNothing(only, report, plan, chosen) is not { } why)
        {
            return 0;
        }

        Console.Error.WriteLine("ngxdoctor: nothing applied: " + SafeText.Escape(why, 500));
        return NothingApplied;
    }

    /// <summary>Why an --apply that had something to do changed nothing; null when there was nothing to do.</summary>
    public static string? WhyNothing(Cause? only, DiagnosisReport report, FixPlan plan, int chosen)
    {
        if (only is { } cause && !report.Findings.Any(f => f.Cause == cause))
        {
            return $"no {cause.Code()} finding to fix (diagnose says {report.Status.Code()})";
        }

        if (plan.Actions.Count == 0)
        {
            return null;
        }

        if (!plan.Safe.Any())
        {
            var first = plan.Actions[0];
            var more = plan.Actions.Count > 1 ? $" (and {plan.Actions.Count - 1} more without a safe fix)" : "";
            return $"no safe fix: {first.Cause.Code()}{(first.Upstream is null ? "" : " " + first.Upstream)}: {first.Summary}{more}";
        }

        return chosen == 0 ? "every change was declined" : null;
    }
}
