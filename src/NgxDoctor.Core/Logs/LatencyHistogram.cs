namespace NgxDoctor.Core.Logs;

/// <summary>Response times in log-scale buckets (about 19% wide, 1 ms to 1,000,000 s): bounded memory, percentiles within a bucket.</summary>
public sealed class LatencyHistogram
{
    private const int Buckets = 128;
    private readonly long[] _counts = new long[Buckets];
    private long _total;
    private double _max;

    public void Add(double seconds)
    {
        var ms = Math.Max(seconds * 1000, 1);
        var i = Math.Min(Buckets - 1, (int)(Math.Log2(ms) * 4));
        _counts[i]++;
        _total++;
        _max = Math.Max(_max, seconds);
    }

    public long Count => _total;

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < Buckets; i++)
        {
            _counts[i] += other._counts[i];
        }

        _total += other._total;
        _max = Math.Max(_max, other._max);
    }

    public double? Max => _total == 0 ? null : _max;

    /// <summary>The upper bound of the bucket holding the q-quantile, in seconds (never above the maximum seen).</summary>
    public double? Quantile(double q)
    {
        if (_total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(q * _total);
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(Math.Pow(2, (i + 1) / 4.0) / 1000, _max);
            }
        }

        return _max;
    }
}
