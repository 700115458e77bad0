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
    public FpmPool? PoolAt(string address) => FpmPoolIndex.Of(this).At(address);

    public static bool Matches(string? listen, string address) =>
        listen is not null && (listen == address || (listen.StartsWith("*:", StringComparison.Ordinal) && address.EndsWith(listen[1..], StringComparison.Ordinal)));
}

/// <summary>A script a pool's slowlog caught: how often in the window, when, and one entry (its line and innermost stack frame).</summary>
public sealed record FpmSlowScript(string Pool, string Script, int Count, DateTime First, DateTime Last, string SlowLog, long LineNumber, string? Frame);

/// <summary>An instance's pools by listen address, built once per instance (a shared host runs a thousand pools): the first pool in order that <see cref="FpmInstance.Matches"/> wins.</summary>
internal sealed class FpmPoolIndex
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FpmInstance, FpmPoolIndex> Built = new();
    private readonly IReadOnlyList<FpmPool> _pools;
    private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);
    private readonly List<int> _wildcards = [];

    private FpmPoolIndex(IReadOnlyList<FpmPool> pools)
    {
        _pools = pools;
        for (var i = 0; i < pools.Count; i++)
        {
            if (pools[i].ListenAddress is not { } listen)
            {
                continue;
            }

            _exact.TryAdd(listen, i);
            if (listen.StartsWith("*:", StringComparison.Ordinal))
            {
                _wildcards.Add(i);
            }
        }
    }

    public static FpmPoolIndex Of(FpmInstance instance) => Built.GetValue(instance, i => new FpmPoolIndex(i.Pools));

    public FpmPool? At(string address)
    {
        var first = _exact.TryGetValue(address, out var exact) ? exact : int.MaxValue;
        foreach (var i in _wildcards)
        {
            if (i < first && FpmInstance.Matches(_pools[i].ListenAddress, address))
            {
                first = i;
                break;
            }
        }

        return first == int.MaxValue ? null : _pools[first];
    }
}
