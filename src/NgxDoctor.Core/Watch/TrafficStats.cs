using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Watch;

/// <summary>
/// What a watch has seen per upstream, for the live view: totals since it started, and per second over the last
/// <see cref="Seconds"/> (requests, 5xx, failures the error log named) with response times of the last minute.
/// Bounded: a fixed ring per upstream, upstreams bounded by <see cref="UpstreamKeys"/>. Pure: time comes with the events.
/// </summary>
public sealed class TrafficStats : IWatchObserver
{
    public const int Seconds = 600;
    private readonly Dictionary<string, UpstreamTraffic> _upstreams = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, UpstreamTraffic> Upstreams => _upstreams;

    public long Lines { get; private set; }

    public void Request(in RequestEvent request)
    {
        Lines++;
        Of(request.Upstream).Request(request);
    }

    public void Failure(FailureEvent failure)
    {
        Lines++;
        Of(failure.Upstream).Failure(failure);
    }

    public void Incident(WatchEvent e)
    {
        var u = Of(e.Change.Upstream);
        u.Incidents += e.Change.Phase == IncidentPhase.Started ? 1 : 0;
        u.Current = e.Change.Phase == IncidentPhase.Started ? e : null;
    }

    private UpstreamTraffic Of(string upstream)
    {
        if (!_upstreams.TryGetValue(upstream, out var u))
        {
            _upstreams[upstream] = u = new UpstreamTraffic();
        }

        return u;
    }
}

/// <summary>One upstream's counts: totals, and a ring of per-second buckets (stamped, so a quiet second reads as zero).</summary>
public sealed class UpstreamTraffic
{
    private const int LatencySeconds = 60;
    private readonly long[] _stamp = new long[TrafficStats.Seconds];
    private readonly int[] _requests = new int[TrafficStats.Seconds];
    private readonly int[] _failed = new int[TrafficStats.Seconds];
    private readonly int[] _errors = new int[TrafficStats.Seconds];
    private readonly long[] _latencyStamp = new long[LatencySeconds];
    private readonly LatencyHistogram?[] _latency = new LatencyHistogram?[LatencySeconds];

    public long Requests { get; private set; }

    public long Failed { get; private set; }

    public long Errors { get; private set; }

    public int Incidents { get; internal set; }

    public Dictionary<Cause, long> ErrorsByCause { get; } = [];

    /// <summary>The incident in progress (its start, with the verdict), null when none.</summary>
    public WatchEvent? Current { get; internal set; }

    internal void Request(in RequestEvent r)
    {
        Requests++;
        if (Slot(r.Time) is not (>= 0 and var i))
        {
            return;
        }

        _requests[i]++;
        Failed += r.Failed ? 1 : 0;
        _failed[i] += r.Failed ? 1 : 0;

        if (r.UpstreamSeconds is { } s)
        {
            var second = Second(r.Time);
            var j = (int)(second % LatencySeconds);
            if (_latencyStamp[j] != second || _latency[j] is null)
            {
                _latencyStamp[j] = second;
                _latency[j] = new LatencyHistogram();
            }

            _latency[j]!.Add(s);
        }
    }

    internal void Failure(FailureEvent f)
    {
        Errors++;
        if (Slot(f.Time) is >= 0 and var i)
        {
            _errors[i]++;
        }

        ErrorsByCause[f.Cause] = ErrorsByCause.GetValueOrDefault(f.Cause) + 1;
    }

    /// <summary>Requests, 5xx and logged failures per second, oldest first, for the <paramref name="seconds"/> up to <paramref name="now"/>.</summary>
    public (int[] Requests, int[] Failed, int[] Errors) Last(DateTime now, int seconds)
    {
        seconds = Math.Clamp(seconds, 1, TrafficStats.Seconds);
        var (req, failed, errors) = (new int[seconds], new int[seconds], new int[seconds]);
        var end = Second(now);
        for (var k = 0; k < seconds; k++)
        {
            var second = end - seconds + 1 + k;
            var i = (int)(((second % TrafficStats.Seconds) + TrafficStats.Seconds) % TrafficStats.Seconds);
            if (_stamp[i] == second)
            {
                (req[k], failed[k], errors[k]) = (_requests[i], _failed[i], _errors[i]);
            }
        }

        return (req, failed, errors);
    }

    /// <summary>The q-quantile of $upstream_response_time over the minute up to <paramref name="now"/>; null without any.</summary>
    public double? Latency(DateTime now, double q)
    {
        var merged = new LatencyHistogram();
        var end = Second(now);
        for (var j = 0; j < LatencySeconds; j++)
        {
            if (_latency[j] is { } h && _latencyStamp[j] > end - LatencySeconds && _latencyStamp[j] <= end)
            {
                merged.Merge(h);
            }
        }

        return merged.Quantile(q);
    }

    /// <summary>The bucket of that second, emptied when it held an older one; -1 for a second older than the ring.</summary>
    private int Slot(DateTime time)
    {
        var second = Second(time);
        var i = (int)(((second % TrafficStats.Seconds) + TrafficStats.Seconds) % TrafficStats.Seconds);
        if (_stamp[i] > second)
        {
            return -1;
        }

        if (_stamp[i] != second)
        {
            (_stamp[i], _requests[i], _failed[i], _errors[i]) = (second, 0, 0, 0);
        }

        return i;
    }

    private static long Second(DateTime t) => t.Ticks / TimeSpan.TicksPerSecond;
}
