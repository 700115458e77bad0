using System.Globalization;
using System.Runtime.CompilerServices;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Logs;

/// <summary>Folds access lines into per-minute buckets, per-upstream traffic and latency, top failing paths and backend 5xx.</summary>
public sealed partial class AccessAggregator(FailureKeys? failures)
{
    /// <summary>The phase of a 5xx with no error line whose access log has no $upstream_status: nginx's or the backend's, it cannot say.</summary>
    public const string UnattributedPhase = "unattributed";

    private readonly Dictionary<DateTime, MinuteCounts> _minutes = [];
    private readonly Dictionary<string, UpstreamCounts> _upstreams = new(StringComparer.Ordinal);
    // Exact up to 65,536 distinct failing paths (so a log read in chunks reports what one read reports), then a sketch.
    private readonly SpaceSaving _paths = new(65_536);
    private readonly IncidentAggregator _backend = new();
    private readonly IncidentAggregator _gaveUp = new();
    // One aggregator per status: a 500 and a 503 with no error line are different failures.
    private readonly Dictionary<int, IncidentAggregator> _unlogged = [];
    private readonly Dictionary<string, LocationCounts> _locations = new(StringComparer.Ordinal);
    private DateTime _lastMinute = DateTime.MinValue;
    private MinuteCounts? _lastBucket;

    /// <summary>Names the location of a failed request from its path and logged host (null: unknown); without it no per-location counts.</summary>
    public Func<string, string?, string?>? Locate { get; init; }

    /// <summary>An empty aggregator with the same settings, for a chunk read in parallel.</summary>
    public AccessAggregator Fresh() => new(failures) { Locate = Locate, Pass = Pass };

    /// <summary>Names the upstream the location of a path and logged host passes to (null: none known); used where the format logs no $upstream_addr.</summary>
    public Func<string, string?, string?>? Pass { get; init; }

    /// <summary>The hot path: only 5xx and 499 lines are turned into strings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<char> line, in AccessFields f, string file, long lineNumber)
    {
        var is5xx = f.Status is >= 500 and < 600;
        var addr = AccessSpans.Last(line, f.UpstreamAddr);
        var logged = is5xx && failures is not null && failures.Contains(AccessLineParser.Text(line, f.Client),
            f.Request is null && addr.Contains(':') ? FailureKeys.Session(addr.ToString()) : AccessLineParser.Text(line, f.Request), f.Time);
        var backend = is5xx && failures is not null && !logged && IsBackendAnswer(line, f, addr);

        CountMinute(f.Time, f.Status, backend);
        if (!addr.IsEmpty)
        {
            CountUpstream(addr, f.Status, backend, AccessSpans.Last(line, f.UpstreamResponseTime));
        }

        if ((is5xx || f.Status == 499) && f.Request is { } req && AccessSpans.PathOf(line[req]) is { IsEmpty: false } path)
        {
            var text = path.ToString();
            _paths.Add(SafeText.Escape(text, 512));
            if (Locate is not null)
            {
                CountLocation(Locate(text, AccessLineParser.Text(line, f.Host)) ?? "(location not known)", f.Status);
            }
        }

        if (f.Status == 499 && addr.Contains(':'))
        {
            // The client closed while nginx waited for this upstream: it gave up on it (counted per upstream).
            _gaveUp.Add(new Classification(FailureKind.ClientClosed, Diagnosis.Cause.UpstreamTimeout, "response", 499), addr.ToString(), f.Time ?? DateTime.MinValue, file, lineNumber, line.ToString());
        }

        if (is5xx && failures is { Overflowed: false } && !logged && !backend)
        {
            // Without $upstream_status in the format, nginx's own answer and the backend's look the same.
            var upstream = addr.Contains(':') ? addr.ToString() : !f.UpstreamAddrLogged ? Routed(line, f) : null;
            var phase = f.UpstreamStatusLogged ? "response" : UnattributedPhase;
            Unlogged(f.Status).Add(new Classification(FailureKind.Nginx5xx, null, phase, f.Status), upstream, f.Time ?? DateTime.MinValue, file, lineNumber, line.ToString());
        }

        if (backend)
        {
            _backend.Add(new Classification(FailureKind.Backend5xx, Diagnosis.Cause.BackendError, "response", f.Status), addr.ToString(), f.Time ?? DateTime.MinValue, file, lineNumber, line.ToString());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountMinute(DateTime? time, int status, bool backend)
    {
        if (time is not { } t)
        {
            return;
        }

        var minute = new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerMinute), t.Kind);
        if (minute != _lastMinute || _lastBucket is null)
        {
            if (!_minutes.TryGetValue(minute, out _lastBucket))
            {
                _minutes[minute] = _lastBucket = new MinuteCounts();
            }

            _lastMinute = minute;
        }

        _lastBucket.Count(status, backend);
    }

    private void CountUpstream(ReadOnlySpan<char> addr, int status, bool backend, ReadOnlySpan<char> responseTime)
    {
        var lookup = _upstreams.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(addr, out var u))
        {
            u = new UpstreamCounts();
            lookup[addr] = u;
        }

        u.Requests++;
        if (status is >= 500 and < 600)
        {
            u.Errors++;
            u.NginxErrors += !backend && status is 502 or 504 ? 1 : 0;
            u.BackendErrors += backend ? 1 : 0;
        }

        if (!responseTime.IsEmpty && AccessSpans.Seconds(responseTime) is { } seconds)
        {
            u.Latency.Add(seconds);
        }
    }

    /// <summary>Adds what another aggregator saw in the chunk that follows this one's.</summary>
    public void Merge(AccessAggregator later, long lineOffset)
    {
        foreach (var (minute, counts) in later._minutes)
        {
            if (!_minutes.TryGetValue(minute, out var mine))
            {
                _minutes[minute] = mine = new MinuteCounts();
            }

            mine.Add(counts);
        }

        foreach (var (addr, u) in later._upstreams)
        {
            if (!_upstreams.TryGetValue(addr, out var mine))
            {
                _upstreams[addr] = mine = new UpstreamCounts();
            }

            mine.Add(u);
        }

        foreach (var (location, counts) in later._locations)
        {
            Location(location).Add(counts);
        }

        _paths.Merge(later._paths);
        _backend.Merge(later._backend, lineOffset);
        _gaveUp.Merge(later._gaveUp, lineOffset);
        foreach (var (status, unlogged) in later._unlogged)
        {
            Unlogged(status).Merge(unlogged, lineOffset);
        }
        _lastBucket = null;
    }

    public AccessFacts Build(IReadOnlyList<LogScan> files) => new(
        files,
        _minutes.OrderBy(kv => kv.Key).Select(kv => kv.Value.Bucket(kv.Key)).ToList(),
        _upstreams.OrderByDescending(kv => kv.Value.Errors).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new UpstreamTraffic(
            kv.Key, kv.Value.Requests, kv.Value.Errors, kv.Value.NginxErrors, kv.Value.BackendErrors,
            kv.Value.Latency.Quantile(0.5), kv.Value.Latency.Quantile(0.9), kv.Value.Latency.Quantile(0.99), kv.Value.Latency.Max)).ToList(),
        _paths.Top(10).Select(p => new PathCount(p.Key, (int)p.Count)).ToList(),
        _backend.Incidents())
    {
        Attributed = failures is not null,
        GaveUp = _gaveUp.Incidents(),
        Unlogged = _unlogged.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value.Incidents()).ToList(),
        Locations = _locations.OrderByDescending(kv => kv.Value.Errors + kv.Value.ClientClosed).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(50)
            .Select(kv => new LocationCount(SafeText.Escape(kv.Key, 512), kv.Value.Errors, kv.Value.ClientClosed, kv.Value.Status502, kv.Value.Status504)).ToList(),
    };

    /// <summary>The upstream the request's location passes to, by nginx's routing of its path (the format logs no $upstream_addr).</summary>
    private string? Routed(ReadOnlySpan<char> line, in AccessFields f) =>
        Pass is not null && f.Request is { } req && AccessSpans.PathOf(line[req]) is { IsEmpty: false } path ? Pass(path.ToString(), AccessLineParser.Text(line, f.Host)) : null;

    private IncidentAggregator Unlogged(int status)
    {
        if (!_unlogged.TryGetValue(status, out var aggregator))
        {
            _unlogged[status] = aggregator = new IncidentAggregator();
        }

        return aggregator;
    }

    private void CountLocation(string location, int status)
    {
        // Bounded: past 10,000 distinct locations (a config cannot have that many) the rest are pooled.
        var counts = _locations.Count < 10_000 || _locations.ContainsKey(location) ? Location(location) : Location("(other)");
        counts.Count(status);
    }

    private LocationCounts Location(string location)
    {
        if (!_locations.TryGetValue(location, out var counts))
        {
            _locations[location] = counts = new LocationCounts();
        }

        return counts;
    }

    /// <summary>A backend's own answer (where nginx logged no failure for it): its last status is the one sent, and it has a real address.</summary>
    private static bool IsBackendAnswer(ReadOnlySpan<char> line, in AccessFields f, ReadOnlySpan<char> addr) =>
        AccessSpans.Last(line, f.UpstreamStatus).SequenceEqual(f.Status.ToString(CultureInfo.InvariantCulture))
        && addr.Contains(':');
}
