using System.Runtime.CompilerServices;
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

    // A sample is kept to this length (the report shows SampleChars of it, and says when it was cut).
    private const int KeptChars = 4 * SampleChars;
    private const char NoUpstream = '\u0001';

    /// <summary>The upstream span that stands for "no upstream" in the span overload of Add.</summary>
    public static ReadOnlySpan<char> NoUpstreamKey => [NoUpstream];

    // Keyed by the kind (one char) and the upstream so that a line's spans find their incident without a string being made.
    private readonly Dictionary<string, Builder> _incidents = [];

    public void Add(ErrorLogEntry entry, Classification c, string file, long line, string text) => Add(c, ErrorClassifier.Peer(entry), entry.Time, file, line, text);

    public void Add(Classification c, string? upstream, DateTime time, string file, long line, string text) =>
        Add(c, upstream is null ? [NoUpstream] : upstream.AsSpan(), time, file, line, text.AsSpan());

    /// <summary>Counts one entry; its line is kept only if it is among the first samples or is the latest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Classification c, ReadOnlySpan<char> upstream, DateTime time, string file, long line, ReadOnlySpan<char> text)
    {
        var b = For(c, upstream, time);
        b.Count++;
        b.Last = time > b.Last ? time : b.Last;
        b.First = time < b.First ? time : b.First;
        if (b.Samples.Count < SamplesPerIncident - 1)
        {
            b.Samples.Add(new Raw(file, line, text[..Math.Min(text.Length, KeptChars)].ToString()));
        }
        else
        {
            b.KeepLatest(file, line, text[..Math.Min(text.Length, KeptChars)]);
        }
    }

    /// <summary>Adds what another aggregator saw in the chunk that follows this one's (its line numbers counted from 1).</summary>
    public void Merge(IncidentAggregator later, long lineOffset)
    {
        foreach (var (key, o) in later._incidents)
        {
            var b = For(o.C, o.Upstream is null ? [NoUpstream] : o.Upstream.AsSpan(), o.First);
            b.Count += o.Count;
            b.First = o.First < b.First ? o.First : b.First;
            b.Last = o.Last > b.Last ? o.Last : b.Last;
            foreach (var s in o.Samples.Append(o.Latest()).OfType<Raw>().Select(r => r with { Line = r.Line + lineOffset }))
            {
                if (b.Samples.Count < SamplesPerIncident - 1)
                {
                    b.Samples.Add(s);
                }
                else
                {
                    b.KeepLatest(s.File, s.Line, s.Text);
                }
            }
        }
    }

    public IReadOnlyList<LogIncident> Incidents() => _incidents.Values
        .Select(b => new LogIncident(b.C.Kind, b.C.Cause, b.C.Phase, b.C.Status, b.Upstream, b.Count, b.First, b.Last,
            b.Samples.Append(b.Latest()).OfType<Raw>().Select(r => Sample(r.File, r.Line, r.Text)).ToList()))
        .OrderBy(i => i.FirstSeen)
        .ToList();

    public static LogSample Sample(string file, long line, string text) =>
        new($"{file}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}", SafeText.Escape(text, SampleChars));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Builder For(Classification c, ReadOnlySpan<char> upstream, DateTime time)
    {
        Span<char> buffer = stackalloc char[256];
        var length = 1 + upstream.Length;
        var key = length <= buffer.Length ? buffer[..length] : new char[length];
        key[0] = (char)c.Kind;
        upstream.CopyTo(key[1..]);
        var lookup = _incidents.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var b))
        {
            var name = upstream is [NoUpstream] ? null : upstream.ToString();
            _incidents[key.ToString()] = b = new Builder(c, name, time);
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

        // The latest line is overwritten on every entry: copied into one buffer, made a string only when reported.
        private char[] _latest = [];
        private int _latestLength;
        private string? _latestFile;
        private long _latestLine;

        public void KeepLatest(string file, long line, ReadOnlySpan<char> text)
        {
            if (_latest.Length < text.Length)
            {
                _latest = new char[Math.Max(text.Length, 512)];
            }

            text.CopyTo(_latest);
            _latestLength = text.Length;
            _latestFile = file;
            _latestLine = line;
        }

        public Raw? Latest() => _latestFile is null ? null : new Raw(_latestFile, _latestLine, new string(_latest, 0, _latestLength));
    }
}
