using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>Edits of a PHP-FPM pool's settings: replaced where the pool sets them, else added under the pool's [name] header.</summary>
public static class PoolEdits
{
    public static (FpmInstance Master, FpmPool Pool)? PoolAt(DiagnosisFacts facts, string? address) =>
        address is null ? null : facts.PhpFpm.Select(m => (Master: m, Pool: m.PoolAt(address))).Where(x => x.Pool is not null).Select(x => ((FpmInstance, FpmPool)?)(x.Master, x.Pool!)).FirstOrDefault();

    public static PlannedEdit Set(FpmPool pool, string key, string value, string why) =>
        pool.Settings.TryGetValue(key, out var s)
            ? new PlannedEdit(PlannedEdit.IniSet, s.Pos, key, value, why)
            : new PlannedEdit(PlannedEdit.IniInsert, pool.Pos, key, value, why);
}
