using System.Globalization;
using System.Runtime.CompilerServices;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Logs;

/// <summary>Folds access lines into per-minute buckets, per-upstream traffic and latency, top failing paths and backend 5xx.</summary>
public sealed class AccessAggregator(FailureKeys? failures)
{
    private readonly Dictionary<DateTime, MinuteCounts> _minutes = [];
    private readonly Dictionary<string, UpstreamCounts> _upstreams = new(StringComparer.Ordinal);
    private readonly SpaceSaving _paths = new(256);
    private readonly IncidentAggregator _backend = new();
    private readonly Dictionary<string, LocationCounts> _locations = new(StringComparer.Ordinal);
    private DateTime _lastMinute = DateTime.MinValue;
    private MinuteCounts? _lastBucket;

    /// <summary>Names the location of a failed request from its path and logged host (null: unknown); without it no per-location counts.</summary>
    public Func<string, string?, string?>? Locate { get; init; }

    /// <summary>An empty aggregator with the same settings, for a chunk read in parallel.</summary>
    public AccessAggregator Fresh() => new(failures) { Locate = Locate };

    /// <summary>The hot path: only 5xx and 499 lines are turned into strings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<char> line, in AccessFields f, string file, long lineNumber)
    {
        var is5xx = f.Status is >= 500 and < 600;
        var addr = Last(line, f.UpstreamAddr);
        var backend = is5xx && failures is not null && IsBackendAnswer(line, f, addr);

        if (f.Time is { } t)
        {
            var minute = new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerMinute), t.Kind);
            if (minute != _lastMinute || _lastBucket is null)
            {
                if (!_minutes.TryGetValue(minute, out _lastBucket))
                {
                    _minutes[minute] = _lastBucket = new MinuteCounts();
                }

                _lastMinute = minute;
            }

            _lastBucket.Count(f.Status, backend);
        }

        if (!addr.IsEmpty)
        {
            var lookup = _upstreams.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(addr, out var u))
            {
                u = new UpstreamCounts();
                lookup[addr] = u;
            }

            u.Requests++;
            if (is5xx)
            {
                u.Errors++;
                u.NginxErrors += !backend && f.Status is 502 or 504 ? 1 : 0;
                u.BackendErrors += backend ? 1 : 0;
            }

            var rt = Last(line, f.UpstreamResponseTime);
            if (!rt.IsEmpty && Seconds(rt) is { } seconds)
            {
                u.Latency.Add(seconds);
            }
        }

        if ((is5xx || f.Status == 499) && f.Request is { } req && PathOf(line[req]) is { IsEmpty: false } path)
        {
            var text = path.ToString();
            _paths.Add(SafeText.Escape(text, 512));
            if (Locate is not null)
            {
                CountLocation(Locate(text, AccessLineParser.Text(line, f.Host)) ?? "(location not known)", f.Status);
            }
        }

        if (backend)
        {
            _backend.Add(new Classification(FailureKind.Backend5xx, Diagnosis.Cause.BackendError, "response", f.Status), addr.ToString(), f.Time ?? DateTime.MinValue, file, lineNumber, line.ToString());
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
        Locations = _locations.OrderByDescending(kv => kv.Value.Errors + kv.Value.ClientClosed).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(50)
            .Select(kv => new LocationCount(SafeText.Escape(kv.Key, 512), kv.Value.Errors, kv.Value.ClientClosed, kv.Value.Status502, kv.Value.Status504)).ToList(),
    };

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

    /// <summary>A backend's own answer: its last status is the one sent, it has a real address, and nginx logged no failure for it.</summary>
    private bool IsBackendAnswer(ReadOnlySpan<char> line, in AccessFields f, ReadOnlySpan<char> addr) =>
        Last(line, f.UpstreamStatus).SequenceEqual(f.Status.ToString(CultureInfo.InvariantCulture))
        && addr.Contains(':')
        && !failures!.Contains(AccessLineParser.Text(line, f.Client), AccessLineParser.Text(line, f.Request), f.Time);

    /// <summary>The last of several values ("502, 200", "502 : 200") of a field, as a span; empty for "-".</summary>
    private static ReadOnlySpan<char> Last(ReadOnlySpan<char> line, Range? range)
    {
        if (range is not { } r)
        {
            return default;
        }

        var v = line[r];
        if (v.Contains(' '))
        {
            // A list ("502, 200", "10.0.0.1:80 : 10.0.0.2:80"): the last value is the one that answered.
            var comma = v.LastIndexOf(", ");
            var colon = v.LastIndexOf(" : ");
            var i = Math.Max(comma < 0 ? -1 : comma + 2, colon < 0 ? -1 : colon + 3);
            v = (i < 0 ? v : v[i..]).Trim();
        }

        return v.Length == 1 && v[0] == '-' ? default : v;
    }

    /// <summary>"0.123" the quick way (every line has one); anything else through double.TryParse.</summary>
    private static double? Seconds(ReadOnlySpan<char> s)
    {
        long whole = 0, frac = 0, scale = 1;
        var dot = false;
        foreach (var c in s)
        {
            if (c == '.' && !dot)
            {
                dot = true;
            }
            else if ((uint)(c - '0') <= 9 && scale < 1_000_000_000)
            {
                if (dot)
                {
                    frac = (frac * 10) + (c - '0');
                    scale *= 10;
                }
                else
                {
                    whole = (whole * 10) + (c - '0');
                }
            }
            else
            {
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            }
        }

        return whole + ((double)frac / scale);
    }

    private static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> request)
    {
        var sp = request.IndexOf(' ');
        if (sp < 0)
        {
            return default;
        }

        var uri = request[(sp + 1)..];
        var end = uri.IndexOf(' ');
        uri = end < 0 ? uri : uri[..end];
        var q = uri.IndexOf('?');
        return q < 0 ? uri : uri[..q];
    }
}
