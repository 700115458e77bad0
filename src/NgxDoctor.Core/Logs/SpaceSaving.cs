namespace NgxDoctor.Core.Logs;

/// <summary>
/// The most frequent keys of a stream in bounded memory (Metwally et al.'s Space-Saving): at most
/// <c>capacity</c> counters; a new key takes over the smallest counter. Counts may overestimate by at most
/// that counter's value, never underestimate a true heavy hitter. The counters are kept in buckets by count
/// (the paper's Stream-Summary), so a new key finds the smallest in constant time: a log of many distinct failing
/// paths no longer searches all counters per line.
/// </summary>
public sealed class SpaceSaving(int capacity)
{
    // Each key's counter, in the bucket of its count; the smallest count's bucket is the one a new key evicts from
    // (the key longest there first).
    private readonly Dictionary<string, LinkedListNode<Counter>> _counters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, LinkedList<Counter>> _byCount = [];

    public void Add(string key)
    {
        if (_counters.TryGetValue(key, out var node))
        {
            Detach(node);
            node.Value.Count++;
            Bucket(node.Value.Count).AddLast(node);
            return;
        }

        if (_counters.Count < capacity)
        {
            Place(key, 1);
            return;
        }

        var evicted = _byCount.First().Value.First!;
        Detach(evicted);
        _counters.Remove(evicted.Value.Key);
        Place(key, evicted.Value.Count + 1);
    }

    /// <summary>
    /// Adds another sketch's counters (Agarwal et al.'s merge): a key one full sketch lacks is counted at that sketch's
    /// smallest counter, which is as much as it can have had there, so a merged count still never underestimates;
    /// the merged sketch keeps the largest <c>capacity</c> of them.
    /// </summary>
    public void Merge(SpaceSaving other)
    {
        var mine = Floor;
        var theirs = other.Floor;
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in _counters.Keys.Concat(other._counters.Keys))
        {
            merged[key] = (_counters.TryGetValue(key, out var a) ? a.Value.Count : mine) + (other._counters.TryGetValue(key, out var b) ? b.Value.Count : theirs);
        }

        _counters.Clear();
        _byCount.Clear();
        foreach (var (key, count) in merged.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(capacity))
        {
            Place(key, count);
        }
    }

    public IReadOnlyList<(string Key, long Count)> Top(int n) =>
        _counters.Values.Select(c => c.Value).OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Take(n).Select(c => (c.Key, c.Count)).ToList();

    /// <summary>The most a key this sketch does not hold can have been seen: its smallest counter when full, else 0.</summary>
    private long Floor => _counters.Count < capacity ? 0 : _byCount.First().Key;

    private void Place(string key, long count) => _counters[key] = Bucket(count).AddLast(new Counter(key, count));

    private LinkedList<Counter> Bucket(long count)
    {
        if (!_byCount.TryGetValue(count, out var counters))
        {
            _byCount[count] = counters = new LinkedList<Counter>();
        }

        return counters;
    }

    private void Detach(LinkedListNode<Counter> node)
    {
        var bucket = node.List!;
        bucket.Remove(node);
        if (bucket.Count == 0)
        {
            _byCount.Remove(node.Value.Count);
        }
    }

    private sealed class Counter(string key, long count)
    {
        public string Key { get; } = key;

        public long Count { get; set; } = count;
    }
}
