using NgxDoctor.Config.PhpFpm;

namespace NgxDoctor.Core.Facts;

/// <summary>A running PHP-FPM master: its configuration file, pools and error log.</summary>
public sealed record FpmInstance(int Pid, string ConfigFile, IReadOnlyList<FpmPool> Pools, string? ErrorLog, string? Problem)
{
    /// <summary>Where its files were read: "/" or the /proc/PID/root of a master in another mount namespace.</summary>
    public string Root { get; init; } = "/";

    /// <summary>Resident memory (VmRSS, kB) of each child the master runs now; null when not read.</summary>
    public IReadOnlyList<long>? ChildrenRssKb { get; init; }

    /// <summary>The scripts the pools' slowlogs caught in the window, most frequent first; empty when no slowlog was read.</summary>
    public IReadOnlyList<FpmSlowScript> SlowScripts { get; init; } = [];

    /// <summary>The pool listening at an nginx upstream address ("unix:/run/php.sock", "127.0.0.1:9000"), if any.</summary>
    public FpmPool? PoolAt(string address) => Pools.FirstOrDefault(p => Matches(p.ListenAddress, address));

    public static bool Matches(string? listen, string address) =>
        listen is not null && (listen == address || (listen.StartsWith("*:", StringComparison.Ordinal) && address.EndsWith(listen[1..], StringComparison.Ordinal)));
}

/// <summary>A script a pool's slowlog caught: how often in the window, when, and one entry (its line and innermost stack frame).</summary>
public sealed record FpmSlowScript(string Pool, string Script, int Count, DateTime First, DateTime Last, string SlowLog, long LineNumber, string? Frame);
