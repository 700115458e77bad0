namespace NgxDoctor.Core.Logs;

/// <summary>Response times in log-scale buckets (about 19% wide, 1 ms to 1,000,000 s): bounded memory, percentiles within a bucket.</summary>
public sealed class LatencyHistogram
{
    private const int Buckets = 128;
    private readonly long[] _counts = new long[Buckets];
    private long _total;
    private double _max;

    // floor(4 * log2(x)) from the double's exponent and where its mantissa falls among 2^(1/4), 2^(1/2), 2^(3/4):
    // the same bucket as Math.Log2 gives, at a fraction of its cost (every access-log line comes here).
    private static readonly double Q1 = Math.Pow(2, 0.25), Q2 = Math.Pow(2, 0.5), Q3 = Math.Pow(2, 0.75);

    public void Add(double seconds)
    {
        var ms = Math.Max(seconds * 1000, 1);
        var bits = BitConverter.DoubleToInt64Bits(ms);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        var mantissa = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        var quarter = mantissa >= Q2 ? (mantissa >= Q3 ? 3 : 2) : (mantissa >= Q1 ? 1 : 0);
        var i = Math.Min(Buckets - 1, (exponent * 4) + quarter);
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
