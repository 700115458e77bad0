namespace NgxDoctor.Core.Watch;

/// <summary>
/// The upstreams a watch keeps apart: the first <see cref="Max"/> seen; any later one is counted as "(other)", so
/// the counters, the metrics' label sets and the live view stay bounded on a box whose upstream addresses churn.
/// </summary>
public sealed class UpstreamKeys
{
    public const int Max = 64;
    public const string Other = "(other)";
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public string Of(string upstream)
    {
        if (_seen.Contains(upstream))
        {
            return upstream;
        }

        if (_seen.Count >= Max)
        {
            return Other;
        }

        _seen.Add(upstream);
        return upstream;
    }
}
