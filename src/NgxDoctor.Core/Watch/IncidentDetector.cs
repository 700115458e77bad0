using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Watch;

/// <summary>One upstream failure as nginx logged it, the moment it was read.</summary>
public sealed record FailureEvent(DateTime Time, FailureKind Kind, Cause Cause, string Upstream, int? Status, string Line);

/// <summary>When failures make an incident: this many for one upstream within the window; it ends after a window without any.</summary>
public sealed record WatchThreshold(int Failures, TimeSpan Window)
{
    public static readonly WatchThreshold Default = new(3, TimeSpan.FromSeconds(10));
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
            changes.Add(new IncidentChange(IncidentPhase.Started, e.Upstream, started.Top, started.Start, null, started.Count, started.FirstLine));
        }

        return changes;
    }

    /// <summary>Every open incident, ended now (the watch stops: what is in progress is written).</summary>
    public IReadOnlyList<IncidentChange> Close(DateTime now)
    {
        var open = _open.Select(o => new IncidentChange(IncidentPhase.Ended, o.Key, o.Value.Top, o.Value.Start, o.Value.Last, o.Value.Count, o.Value.FirstLine)).ToList();
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

        return ended.Select(o => new IncidentChange(IncidentPhase.Ended, o.Key, o.Value.Top, o.Value.Start, o.Value.Last, o.Value.Count, o.Value.FirstLine)).ToList();
    }

    private sealed class Open(DateTime start, DateTime last, int count, string firstLine)
    {
        public DateTime Start { get; } = start;

        public DateTime Last { get; set; } = last;

        public int Count { get; set; } = count;

        public string FirstLine { get; } = firstLine;

        public Dictionary<Cause, int> Causes { get; } = [];

        public Cause Top => Causes.OrderByDescending(c => c.Value).ThenBy(c => c.Key).First().Key;
    }
}
