namespace NgxDoctor.Core.Logs;

/// <summary>
/// The requests nginx itself failed (client and request line, with when), from the error log: an access-log 5xx
/// that matches one came from nginx; one that does not, with an upstream status of its own, came from the backend.
/// </summary>
public sealed class FailureKeys
{
    public const int Capacity = 200_000;
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);
    private readonly Dictionary<(string, string), List<DateTime>> _keys = [];
    private int _count;

    public bool Overflowed { get; private set; }

    public void Add(ErrorLogEntry e)
    {
        if (e.Client is not null && (e.Request ?? (e.Upstream is { } u ? Session(u) : null)) is { } request)
        {
            Add(e.Client, request, e.Time);
        }
    }

    /// <summary>
    /// A stream{} session has no request line: its client and upstream stand for it, in the error log (", client: "
    /// or ", udp client: ", upstream: "...") and in a stream access log ($remote_addr, $upstream_addr).
    /// </summary>
    public static string Session(string upstream) => "stream " + upstream;

    /// <param name="time">The line's time as this host's local time (<see cref="LogZone"/>); its own when null.</param>
    public void Add(in ErrorLogLine line, DateTime? time = null)
    {
        if (_count >= Capacity)
        {
            return;
        }

        if (line.TryField(", client: ", false, out var client) && line.TryField(", request: \"", true, out var request))
        {
            Add(client.ToString(), request.ToString(), time ?? line.Time);
        }
        else if ((line.TryField(", client: ", false, out client) || line.TryField(", udp client: ", false, out client))
            && line.TryField(", upstream: \"", true, out var upstream))
        {
            Add(client.ToString(), Session(upstream.ToString()), time ?? line.Time);
        }
    }

    private void Add(string client, string request, DateTime time)
    {
        if (_count >= Capacity)
        {
            Overflowed = true;
            return;
        }

        var key = (client, request);
        if (!_keys.TryGetValue(key, out var times))
        {
            _keys[key] = times = [];
        }

        times.Add(time);
        _count++;
    }

    public void Merge(FailureKeys other)
    {
        foreach (var (key, times) in other._keys)
        {
            if (_count >= Capacity)
            {
                Overflowed = true;
                return;
            }

            if (!_keys.TryGetValue(key, out var mine))
            {
                _keys[key] = mine = [];
            }

            mine.AddRange(times);
            _count += times.Count;
        }

        Overflowed |= other.Overflowed;
    }

    /// <summary>Whether nginx logged a failure for this client and request line shortly before (or at) the access entry's time.</summary>
    public bool Contains(string? client, string? request, DateTime? time) =>
        client is not null && request is not null && _keys.TryGetValue((client, request), out var times)
        && (time is null || times.Any(t => t <= time.Value.AddSeconds(1) && t >= time.Value - Slack));
}
