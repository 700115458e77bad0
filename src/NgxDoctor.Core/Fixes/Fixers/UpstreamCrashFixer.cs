using NgxDoctor.Config;
using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// upstream-crash from a keepalive race: the group's keepalive_timeout set a second under the backend's measured idle
/// close. Crashes of any other kind are the backend's to fix: no edit.
/// </summary>
public sealed class UpstreamCrashFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.UpstreamCrash;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (finding.Check != Checks.KeepaliveRaceCheck.CheckId || FixContext.Target(facts, finding) is not { Group: { } name } target
            || facts.Inventory.Groups.FirstOrDefault(g => g.Name == name) is not { } group
            || facts.IdleCloses.FirstOrDefault(m => m.Target == target.Address.Text)?.ClosedAfterMs is not { } closedMs)
        {
            return FixAction.None(finding, "only a keepalive race has a configuration fix; a crashing backend is fixed in the backend");
        }

        var value = $"{KeepaliveRaceCheck.SafeSeconds(closedMs)}s";
        var why = $"the backend closes idle connections after {closedMs / 1000:0.0} s";
        var edit = group.KeepaliveTimeout.Pos is { } at
            ? new PlannedEdit(PlannedEdit.Set, at, "keepalive_timeout", value, why)
            : new PlannedEdit(PlannedEdit.Insert, group.Pos, "keepalive_timeout", value, why);
        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"set keepalive_timeout {value} in upstream {name}", [edit], [], FixContext.Verify(finding, target.Sites[0]))
        {
            ReloadNginx = true,
        };
    }
}
