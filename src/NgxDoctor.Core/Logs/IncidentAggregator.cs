using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Logs;

/// <summary>Folds classified entries into incidents keyed by (kind, upstream), keeping counts, first/last seen and a few samples.</summary>
public sealed class IncidentAggregator
{
    public const int SamplesPerIncident = 3;
    public const int SampleChars = 1024;

    private readonly Dictionary<(string, string?), Builder> _incidents = [];

    public void Add(ErrorLogEntry entry, Classification c, string source, string text) => Add(c, ErrorClassifier.Peer(entry), entry.Time, source, text);

    public void Add(Classification c, string? upstream, DateTime time, string source, string text)
    {
        var key = (c.Kind, upstream);
        if (!_incidents.TryGetValue(key, out var b))
        {
            _incidents[key] = b = new Builder(c, upstream, time);
        }

        b.Count++;
        b.Last = time > b.Last ? time : b.Last;
        b.First = time < b.First ? time : b.First;
        var sample = new LogSample(source, SafeText.Escape(text, SampleChars));
        if (b.Samples.Count < SamplesPerIncident - 1)
        {
            b.Samples.Add(sample);
        }
        else
        {
            b.Latest = sample;
        }
    }

    public IReadOnlyList<LogIncident> Incidents() => _incidents.Values
        .Select(b => new LogIncident(b.C.Kind, b.C.Cause, b.C.Phase, b.C.Status, b.Upstream, b.Count, b.First, b.Last,
            b.Latest is null ? b.Samples : [.. b.Samples, b.Latest]))
        .OrderBy(i => i.FirstSeen)
        .ToList();

    private sealed class Builder(Classification c, string? upstream, DateTime time)
    {
        public Classification C { get; } = c;

        public string? Upstream { get; } = upstream;

        public int Count { get; set; }

        public DateTime First { get; set; } = time;

        public DateTime Last { get; set; } = time;

        public List<LogSample> Samples { get; } = [];

        public LogSample? Latest { get; set; }
    }
}
