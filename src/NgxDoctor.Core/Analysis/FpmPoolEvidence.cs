using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>What PHP-FPM itself tells of the pool behind an nginx upstream address: its settings, the scripts its slowlog caught, and the remedy they point to.</summary>
public static class FpmPoolEvidence
{
    public static IEnumerable<Evidence> Settings(DiagnosisFacts facts, string? address, params string[] keys) =>
        Pools(facts, address).SelectMany(x => keys.Where(k => x.Pool.Settings.ContainsKey(k))
            .Select(k => new Evidence(EvidenceKind.Config, x.Pool.Settings[k].Pos.ToString(), $"{k} = {x.Pool.Settings[k].Value} (pool {x.Pool.Name}, php-fpm pid {x.Fpm.Pid})")));

    /// <summary>Who holds the children: the scripts the pool's slowlog caught in the window, most frequent first.</summary>
    public static IEnumerable<Evidence> SlowScripts(DiagnosisFacts facts, string? address) =>
        Slow(facts, address).Take(3).Select(s => new Evidence(EvidenceKind.Log, $"{s.SlowLog}:{s.LineNumber}",
            $"{s.Script}: {s.Count} request(s) past request_slowlog_timeout, {s.First:HH:mm:ss} to {s.Last:HH:mm:ss}{(s.Frame is null ? "" : $"; innermost call {s.Frame}")}"));

    public static Remedy SaturationRemedy(DiagnosisFacts facts, string? address)
    {
        var slowest = Slow(facts, address).FirstOrDefault();
        var scripts = slowest is null
            ? "find the slow scripts that hold children (request_slowlog_timeout + slowlog)"
            : $"the slowlog names {slowest.Script} ({slowest.Count} slow request(s)): make it faster, or give it a pool of its own";
        return new($"Raise pm.max_children in the pool as far as memory allows (free memory / the children's average RSS), then reload php-fpm; {scripts}.",
            ["ps -o rss= -C php-fpm8.2 | awk '{s+=$1} END {print s/NR \" KiB per child\"}'"]);
    }

    private static IEnumerable<FpmSlowScript> Slow(DiagnosisFacts facts, string? address) =>
        Pools(facts, address).SelectMany(x => x.Fpm.SlowScripts.Where(s => s.Pool == x.Pool.Name)).OrderByDescending(s => s.Count);

    private static IEnumerable<(FpmInstance Fpm, Config.PhpFpm.FpmPool Pool)> Pools(DiagnosisFacts facts, string? address) =>
        address is null ? [] : facts.PhpFpm.Select(f => (Fpm: f, Pool: f.PoolAt(address))).Where(x => x.Pool is not null).Select(x => (x.Fpm, x.Pool!));
}
