using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Logs;

/// <summary>
/// Folds classified entries into incidents keyed by (kind, upstream), keeping counts, first/last seen and a few
/// lines. Aggregators of consecutive chunks of one file merge, their line numbers shifted by the lines before.
/// </summary>
public sealed class IncidentAggregator
{
    public const int SamplesPerIncident = 3;
    public const int SampleChars = 1024;

    private readonly Dictionary<(string, string?), Builder> _incidents = [];

    public void Add(ErrorLogEntry entry, Classification c, string file, long line, string text) => Add(c, ErrorClassifier.Peer(entry), entry.Time, file, line, text);

    /// <summary>Counts one entry; its line is kept only if it is among the first samples or is the latest.</summary>
    public void Add(Classification c, string? upstream, DateTime time, string file, long line, string text)
    {
        var b = For(c, upstream, time);
        b.Count++;
        b.Last = time > b.Last ? time : b.Last;
        b.First = time < b.First ? time : b.First;
        if (b.Samples.Count < SamplesPerIncident - 1)
        {
            b.Samples.Add(new Raw(file, line, text));
        }
        else
        {
            b.Latest = new Raw(file, line, text);
        }
    }

    /// <summary>Adds what another aggregator saw in the chunk that follows this one's (its line numbers counted from 1).</summary>
    public void Merge(IncidentAggregator later, long lineOffset)
    {
        foreach (var (key, o) in later._incidents)
        {
            var b = For(o.C, key.Item2, o.First);
            b.Count += o.Count;
            b.First = o.First < b.First ? o.First : b.First;
            b.Last = o.Last > b.Last ? o.Last : b.Last;
            foreach (var s in o.Samples.Append(o.Latest).OfType<Raw>().Select(r => r with { Line = r.Line + lineOffset }))
            {
                if (b.Samples.Count < SamplesPerIncident - 1)
                {
                    b.Samples.Add(s);
                }
                else
                {
                    b.Latest = s;
                }
            }
        }
    }

    public IReadOnlyList<LogIncident> Incidents() => _incidents.Values
        .Select(b => new LogIncident(b.C.Kind, b.C.Cause, b.C.Phase, b.C.Status, b.Upstream, b.Count, b.First, b.Last,
            b.Samples.Append(b.Latest).OfType<Raw>().Select(r => Sample(r.File, r.Line, r.Text)).ToList()))
        .OrderBy(i => i.FirstSeen)
        .ToList();

    public static LogSample Sample(string file, long line, string text) =>
        new($"{file}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}", SafeText.Escape(text, SampleChars));

    private Builder For(Classification c, string? upstream, DateTime time)
    {
        var key = (c.Kind, upstream);
        if (!_incidents.TryGetValue(key, out var b))
        {
            _incidents[key] = b = new Builder(c, upstream, time);
        }

        return b;
    }

    private sealed record Raw(string File, long Line, string Text);

    private sealed class Builder(Classification c, string? upstream, DateTime time)
    {
        public Classification C { get; } = c;

        public string? Upstream { get; } = upstream;

        public int Count { get; set; }

        public DateTime First { get; set; } = time;

        public DateTime Last { get; set; } = time;

        public List<Raw> Samples { get; } = [];

        public Raw? Latest { get; set; }
    }
}
