namespace NgxDoctor.Core.Logs;

/// <summary>
/// The most frequent keys of a stream in bounded memory (Metwally et al.'s Space-Saving): at most
/// <c>capacity</c> counters; a new key takes over the smallest counter. Counts may overestimate by at most
/// that counter's value, never underestimate a true heavy hitter.
/// </summary>
public sealed class SpaceSaving(int capacity)
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string key)
    {
        if (_counts.TryGetValue(key, out var c))
        {
            _counts[key] = c + 1;
            return;
        }

        if (_counts.Count < capacity)
        {
            _counts[key] = 1;
            return;
        }

        var min = _counts.MinBy(kv => kv.Value);
        _counts.Remove(min.Key);
        _counts[key] = min.Value + 1;
    }

    /// <summary>Adds another sketch's counters; the merged sketch keeps the largest <c>capacity</c> of them.</summary>
    public void Merge(SpaceSaving other)
    {
        foreach (var (key, count) in other._counts)
        {
            _counts[key] = _counts.GetValueOrDefault(key) + count;
        }

        foreach (var key in _counts.OrderByDescending(kv => kv.Value).Skip(capacity).Select(kv => kv.Key).ToList())
        {
            _counts.Remove(key);
        }
    }

    public IReadOnlyList<(string Key, long Count)> Top(int n) =>
        _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(n).Select(kv => (kv.Key, kv.Value)).ToList();
}
