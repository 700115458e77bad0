using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// pool-exhausted: raise the PHP-FPM pool's pm.max_children to what memory allows: the children running now plus
/// as many more as fit in MemAvailable less a reserve (a tenth of MemTotal, at least 256 MiB), at the average
/// resident size of the pool's children. Never above that; without children sizes or memory figures, no fix.
/// </summary>
public sealed class PoolExhaustedFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.PoolExhausted;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (FixContext.Target(facts, finding) is not { } target || PoolEdits.PoolAt(facts, target.Address.Text) is not { } owner)
        {
            return FixAction.None(finding, "no running PHP-FPM pool serves this upstream: raise the backend's worker count by hand");
        }

        var (master, pool) = owner;
        if (master.ChildrenRssKb is not { Count: > 0 } children || facts.System is not { MemAvailableKb: { } available, MemTotalKb: { } total })
        {
            return FixAction.None(finding, "the children's memory or the host's free memory could not be read");
        }

        var current = int.TryParse(pool.Get("pm.max_children"), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 5;
        var average = Math.Max(1, children.Average());
        var reserve = Math.Max(total / 10, 256 * 1024);
        var more = (long)Math.Floor((available - reserve) / average);
        var allowed = (int)Math.Min(children.Count + Math.Max(0, more), current * 4);
        if (allowed <= current)
        {
            return FixAction.None(finding, $"memory does not allow more than {current} children ({available / 1024} MiB available, {average / 1024:0} MiB per child, {reserve / 1024} MiB kept in reserve)");
        }

        var why = $"{children.Count} children use {average / 1024:0} MiB each; {available / 1024} MiB is available, {reserve / 1024} MiB kept in reserve";
        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"raise pm.max_children from {current} to {allowed} in pool [{pool.Name}], then reload php-fpm",
            [PoolEdits.Set(pool, "pm.max_children", allowed.ToString(CultureInfo.InvariantCulture), why)],
            [$"kill -USR2 {master.Pid}  # php-fpm reloads its pools"], target.Sites.Count > 0 ? FixContext.Verify(finding, target.Sites[0]) : null)
        {
            ReloadPhpFpmPid = master.Pid,
        };
    }
}
