using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Watch;

/// <summary>One upstream failure as nginx logged it, the moment it was read.</summary>
public sealed record FailureEvent(DateTime Time, FailureKind Kind, Cause Cause, string Upstream, int? Status, string Line);

/// <summary>
/// When failures make an incident: this many error-log failures of one upstream within the window, or (from its
/// access log) a share of 5xx at least <see cref="ErrorRate"/> of at least <see cref="MinRequests"/> requests within
/// it; it ends after a window with neither a failure nor a 5xx.
/// </summary>
public sealed record WatchThreshold(int Failures, TimeSpan Window)
{
    public static readonly WatchThreshold Default = new(3, TimeSpan.FromSeconds(10));

    /// <summary>The share of 5xx (0 to 1) that starts an incident; null: the access log's rate starts none.</summary>
    public double? ErrorRate { get; init; } = 0.1;

    public int MinRequests { get; init; } = 20;
}

public enum IncidentPhase
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("started")]
    Started,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("ended")]
    Ended,
}

/// <summary>An incident of one upstream starting or ending: its first line, its count so far, the cause seen most.</summary>
public sealed record IncidentChange(IncidentPhase Phase, string Upstream, Cause Cause, DateTime Start, DateTime? End, int Count, string FirstLine);

/// <summary>
/// Turns failures read as they are written into incidents per upstream: started when <see cref="WatchThreshold.Failures"/>
/// fall within its window, ended when a window passes without one. Pure: time comes with the events and the ticks.
/// </summary>
public sealed class IncidentDetector(WatchThreshold threshold)
{
    private readonly Dictionary<string, Queue<FailureEvent>> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Open> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RateWindow> _rates = new(StringComparer.Ordinal);

    /// <summary>
    /// A request from the access log: a 5xx keeps an open incident going; the share of 5xx within the window can start
    /// one (its cause the error log's failures of that upstream so far, else what the status says).
    /// </summary>
    public IReadOnlyList<IncidentChange> Observe(in RequestEvent r)
    {
        if (r.Upstream.Length == 0 || threshold.ErrorRate is not { } rate)
        {
            return [];
        }

        var changes = Tick(r.Time).ToList();
        if (_open.TryGetValue(r.Upstream, out var open))
        {
            if (r.Failed)
            {
                open.Last = r.Time > open.Last ? r.Time : open.Last;
                open.Failed++;
            }

            return changes;
        }

        var (requests, failed) = Count(r);
        if (failed > 0 && requests >= threshold.MinRequests && failed >= rate * requests)
        {
            var failures = _recent.GetValueOrDefault(r.Upstream);
            var started = new Open(new DateTime(_rates[r.Upstream].FirstFailed * TimeSpan.TicksPerSecond, r.Time.Kind), r.Time, failures?.Count ?? 0, failures?.Peek().Line ?? $"{failed} of {requests} requests within {threshold.Window.TotalSeconds:0} s got 5xx (the access log)") { Failed = failed };
            foreach (var x in failures ?? [])
            {
                started.Causes[x.Cause] = started.Causes.GetValueOrDefault(x.Cause) + 1;
            }

            if (started.Causes.Count == 0)
            {
                var status = _rates[r.Upstream].FailedStatus;
                started.Causes[status == 504 ? Cause.UpstreamTimeout : status == 502 ? Cause.BadResponse : Cause.BackendError] = failed;
            }

            _open[r.Upstream] = started;
            _recent.Remove(r.Upstream);
            _rates.Remove(r.Upstream);
            changes.Add(started.Change(IncidentPhase.Started, r.Upstream));
        }

        return changes;
    }

    private (int Requests, int Failed) Count(in RequestEvent r)
    {
        if (!_rates.TryGetValue(r.Upstream, out var w))
        {
            _rates[r.Upstream] = w = new RateWindow();
        }

        return w.Add(r.Time.Ticks / TimeSpan.TicksPerSecond, (long)Math.Max(1, threshold.Window.TotalSeconds), r.Failed ? r.Status : 0);
    }

    public IReadOnlyList<IncidentChange> Add(FailureEvent e)
    {
        var changes = Tick(e.Time).ToList();
        if (_open.TryGetValue(e.Upstream, out var open))
        {
            open.Last = e.Time;
            open.Count++;
            open.Causes[e.Cause] = open.Causes.GetValueOrDefault(e.Cause) + 1;
            return changes;
        }

        if (!_recent.TryGetValue(e.Upstream, out var queue))
        {
            _recent[e.Upstream] = queue = new Queue<FailureEvent>();
        }

        queue.Enqueue(e);
        while (queue.Count > 0 && queue.Peek().Time < e.Time - threshold.Window)
        {
            queue.Dequeue();
        }

        if (queue.Count >= threshold.Failures)
        {
            var first = queue.Peek();
            var started = new Open(first.Time, e.Time, queue.Count, first.Line);
            foreach (var x in queue)
            {
                started.Causes[x.Cause] = started.Causes.GetValueOrDefault(x.Cause) + 1;
            }

            _open[e.Upstream] = started;
            _recent.Remove(e.Upstream);
            changes.Add(started.Change(IncidentPhase.Started, e.Upstream));
        }

        return changes;
    }

    /// <summary>Every open incident, ended now (the watch stops: what is in progress is written).</summary>
    public IReadOnlyList<IncidentChange> Close(DateTime now)
    {
        var open = _open.Select(o => o.Value.Change(IncidentPhase.Ended, o.Key)).ToList();
        _open.Clear();
        _recent.Clear();
        return open;
    }

    /// <summary>Incidents quiet for a whole window end; old failures that made none are forgotten.</summary>
    public IReadOnlyList<IncidentChange> Tick(DateTime now)
    {
        var ended = _open.Where(o => o.Value.Last < now - threshold.Window).ToList();
        foreach (var (upstream, _) in ended)
        {
            _open.Remove(upstream);
        }

        foreach (var stale in _recent.Where(r => r.Value.Count == 0 || r.Value.Last().Time < now - threshold.Window).Select(r => r.Key).ToList())
        {
            _recent.Remove(stale);
        }

        return ended.Select(o => o.Value.Change(IncidentPhase.Ended, o.Key)).ToList();
    }

    private sealed class Open(DateTime start, DateTime last, int count, string firstLine)
    {
        public DateTime Start { get; } = start;

        public DateTime Last { get; set; } = last;

        public int Count { get; set; } = count;

        public string FirstLine { get; } = firstLine;

        public Dictionary<Cause, int> Causes { get; } = [];

        /// <summary>5xx the access log gave the upstream's clients while it was open (and those that started it).</summary>
        public int Failed { get; set; }

        public Cause Top => Causes.OrderByDescending(c => c.Value).ThenBy(c => c.Key).First().Key;

        /// <summary>Its count: the failed requests, by whichever log saw more of them (most write a line to each).</summary>
        public IncidentChange Change(IncidentPhase phase, string upstream) =>
            new(phase, upstream, Top, Start, phase == IncidentPhase.Ended ? Last : null, Math.Max(Count, Failed), FirstLine);
    }

    /// <summary>Requests and 5xx per second over the window, with their sums: at most a window's buckets, whatever the rate.</summary>
    private sealed class RateWindow
    {
        private readonly Queue<long[]> _buckets = new();
        private long[]? _last;
        private int _requests;
        private int _failed;

        /// <summary>The first second of the window with a 5xx.</summary>
        public long FirstFailed => _buckets.First(b => b[2] > 0)[0];

        /// <summary>The status of the last 5xx seen.</summary>
        public int FailedStatus { get; private set; }

        public (int Requests, int Failed) Add(long second, long window, int failedStatus)
        {
            var failed = failedStatus != 0;
            FailedStatus = failed ? failedStatus : FailedStatus;
            while (_buckets.Count > 0 && _buckets.Peek()[0] <= second - window)
            {
                var gone = _buckets.Dequeue();
                _requests -= (int)gone[1];
                _failed -= (int)gone[2];
            }

            if (_last is null || _last[0] != second || _buckets.Count == 0)
            {
                _last = [second, 0, 0];
                _buckets.Enqueue(_last);
            }

            _last[1]++;
            _last[2] += failed ? 1 : 0;
            _requests++;
            _failed += failed ? 1 : 0;
            return (_requests, _failed);
        }
    }
}
