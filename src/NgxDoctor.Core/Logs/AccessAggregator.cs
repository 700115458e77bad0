using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Logs;

/// <summary>Folds access records into per-minute buckets, per-upstream traffic and latency, top failing paths and backend 5xx.</summary>
public sealed class AccessAggregator(FailureKeys? failures)
{
    private readonly SortedDictionary<DateTime, int[]> _minutes = [];
    private readonly Dictionary<string, (int[] Counts, LatencyHistogram Latency)> _upstreams = new(StringComparer.Ordinal);
    private readonly SpaceSaving _paths = new(256);
    private readonly IncidentAggregator _backend = new();

    public void Add(AccessRecord r, string source, string line)
    {
        var is5xx = r.Status is >= 500 and < 600;
        var upstreamStatus = AccessRecord.Last(r.UpstreamStatus);
        var backend = is5xx && failures is not null && upstreamStatus == r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && AccessRecord.Last(r.UpstreamAddr) is { } addr && addr.Contains(':', StringComparison.Ordinal)
            && !failures.Contains(r.Client, r.Request, r.Time);

        if (r.Time is { } t)
        {
            var minute = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0);
            if (!_minutes.TryGetValue(minute, out var m))
            {
                _minutes[minute] = m = new int[7];
            }

            m[0]++;
            if (Slot(r.Status) is var slot and > 0)
            {
                m[slot]++;
            }

            m[6] += backend ? 1 : 0;
        }

        if (AccessRecord.Last(r.UpstreamAddr) is { } upstream)
        {
            if (!_upstreams.TryGetValue(upstream, out var u))
            {
                _upstreams[upstream] = u = (new int[4], new LatencyHistogram());
            }

            u.Counts[0]++;
            u.Counts[1] += is5xx ? 1 : 0;
            u.Counts[2] += is5xx && !backend && r.Status is 502 or 504 ? 1 : 0;
            u.Counts[3] += backend ? 1 : 0;
            if (AccessRecord.Seconds(r.UpstreamResponseTime) is { } seconds)
            {
                u.Latency.Add(seconds);
            }
        }

        if ((is5xx || r.Status == 499) && r.Path is { } path)
        {
            _paths.Add(SafeText.Escape(path, 512));
        }

        if (backend)
        {
            _backend.Add(new Classification("backend-5xx", Diagnosis.Cause.BackendError, "response", r.Status), AccessRecord.Last(r.UpstreamAddr), r.Time ?? DateTime.MinValue, source, line);
        }
    }

    public AccessFacts Build(IReadOnlyList<LogScan> files) => new(
        files,
        _minutes.Select(kv => new MinuteBucket(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3], kv.Value[4], kv.Value[5], kv.Value[6])).ToList(),
        _upstreams.OrderByDescending(kv => kv.Value.Counts[1]).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new UpstreamTraffic(
            kv.Key, kv.Value.Counts[0], kv.Value.Counts[1], kv.Value.Counts[2], kv.Value.Counts[3],
            kv.Value.Latency.Quantile(0.5), kv.Value.Latency.Quantile(0.9), kv.Value.Latency.Quantile(0.99), kv.Value.Latency.Max)).ToList(),
        _paths.Top(10).Select(p => new PathCount(p.Key, (int)p.Count)).ToList(),
        _backend.Incidents())
    {
        Attributed = failures is not null,
    };

    private static int Slot(int status) => status switch
    {
        499 => 1,
        500 => 2,
        502 => 3,
        503 => 4,
        504 => 5,
        _ => -1,
    };
}
