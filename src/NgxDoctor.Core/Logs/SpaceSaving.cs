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
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    // Keys by count; the smallest count's set is the one a new key evicts from (the key longest there first).
    private readonly SortedDictionary<long, LinkedList<string>> _byCount = [];
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = new(StringComparer.Ordinal);

    public void Add(string key)
    {
        if (_counts.TryGetValue(key, out var c))
        {
            Move(key, c, c + 1);
            return;
        }

        if (_counts.Count < capacity)
        {
            Place(key, 1);
            return;
        }

        var (min, keys) = _byCount.First();
        var evicted = keys.First!.Value;
        Unplace(evicted, min);
        _counts.Remove(evicted);
        Place(key, min + 1);
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
        foreach (var key in _counts.Keys.Concat(other._counts.Keys))
        {
            merged[key] = (_counts.TryGetValue(key, out var a) ? a : mine) + (other._counts.TryGetValue(key, out var b) ? b : theirs);
        }

        _counts.Clear();
        _byCount.Clear();
        _nodes.Clear();
        foreach (var (key, count) in merged.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(capacity))
        {
            Place(key, count);
        }
    }

    /// <summary>The most a key this sketch does not hold can have been seen: its smallest counter when full, else 0.</summary>
    private long Floor => _counts.Count < capacity ? 0 : _byCount.First().Key;

    public IReadOnlyList<(string Key, long Count)> Top(int n) =>
        _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(n).Select(kv => (kv.Key, kv.Value)).ToList();

    private void Move(string key, long from, long to)
    {
        var node = _nodes[key];
        Detach(node, from);
        _counts[key] = to;
        Bucket(to).AddLast(node);
    }

    private void Place(string key, long count)
    {
        _counts[key] = count;
        _nodes[key] = Bucket(count).AddLast(key);
    }

    private void Unplace(string key, long count)
    {
        Detach(_nodes[key], count);
        _nodes.Remove(key);
    }

    private LinkedList<string> Bucket(long count)
    {
        if (!_byCount.TryGetValue(count, out var keys))
        {
            _byCount[count] = keys = new LinkedList<string>();
        }

        return keys;
    }

    private void Detach(LinkedListNode<string> node, long count)
    {
        var keys = node.List!;
        keys.Remove(node);
        if (keys.Count == 0)
        {
            _byCount.Remove(count);
        }
    }
}
