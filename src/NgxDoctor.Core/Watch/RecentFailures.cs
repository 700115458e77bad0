namespace NgxDoctor.Core.Watch;

/// <summary>
/// The upstream each recent failed request went to, as the error log named it, by client and request line: an access
/// log without $upstream_addr (Debian's default combined format) says a request got 502, this says at which upstream.
/// Bounded: the oldest are forgotten first, and an entry older than <see cref="Window"/> is not used.
/// </summary>
public sealed class RecentFailures
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);
    private readonly Dictionary<(string Client, string Request), (string Upstream, DateTime Time)> _byRequest = [];
    private readonly Queue<(string, string)> _order = new();

    public void Add(string client, string request, string upstream, DateTime time)
    {
        var key = (client, request);
        if (!_byRequest.ContainsKey(key))
        {
            _order.Enqueue(key);
            if (_order.Count > Capacity)
            {
                _byRequest.Remove(_order.Dequeue());
            }
        }

        _byRequest[key] = (upstream, time);
    }

    /// <summary>The upstream the error log named for this client's request shortly before (or at) the access line's time.</summary>
    public string? UpstreamOf(string? client, string? request, DateTime time) =>
        client is not null && request is not null && _byRequest.TryGetValue((client, request), out var seen)
        && seen.Time <= time.AddSeconds(1) && seen.Time >= time - Window ? seen.Upstream : null;
}
