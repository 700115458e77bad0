using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Watch;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Host.Bundles;

namespace NgxDoctor.Host.Watch;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(RecordedIncident))]
public sealed partial class IncidentJson : JsonSerializerContext;

/// <summary>
/// The flight recorder's shelf: a bundle per incident (the format of `collect`, redacted, 0600) in incidents/ of the
/// state directory (0700), read later with `diagnose --from`. Bounded so a flapping box does not fill its disk: the
/// oldest go first beyond <see cref="MaxBundles"/> bundles, <see cref="MaxBytes"/> in all, or <see cref="MaxAge"/>.
/// </summary>
public sealed class IncidentStore(string dir)
{
    public const int MaxBundles = 50;
    private const long MaxSummaryBytes = 4L << 20;
    public const long MaxBytes = 200L << 20;
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    public string Dir { get; } = dir;

    public static IncidentStore Default() => new(Path.Combine(Fixes.FixState.Default().Dir, "incidents"));

    public string Write(IncidentChange change, DiagnosisFacts facts, NginxConfig config)
    {
        Security.PrivateDirectory.Ensure(Dir);
        var name = new string(change.Upstream.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').Take(80).ToArray());
        var path = Path.Combine(Dir, $"{change.Start.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{name}.tar.gz");
        BundleWriter.Write(path, facts, config, keepQuery: false);
        Prune();
        return path;
    }

    /// <summary>The one-line summaries of the incidents recorded, one JSON object per line (the newest last).</summary>
    public string Summaries => Path.Combine(Dir, "incidents.jsonl");

    /// <summary>An ended incident's summary line: start, end, count, the verdict when it was worst and its bundle.</summary>
    public void Summarize(WatchEvent e)
    {
        Security.PrivateDirectory.Ensure(Dir);
        var top = e.Verdict?.Findings.FirstOrDefault();
        var line = new RecordedIncident(e.Change.Upstream, e.Change.Cause.Code(), e.Change.Start, e.Change.End, e.Change.Count, e.Verdict?.Status.Code(), top?.Cause.Code(), top?.Title, e.Bundle);
        var text = JsonSerializer.Serialize(line, IncidentJson.Default.RecordedIncident) + "\n";
        using (var f = new FileStream(Summaries, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.None))
        {
            File.SetUnixFileMode(f.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            f.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        TrimSummaries();
    }

    /// <summary>The recorded incidents, newest first (a line that does not parse is passed over).</summary>
    public IReadOnlyList<RecordedIncident> Recorded()
    {
        if (!File.Exists(Summaries) || new FileInfo(Summaries).Length > MaxSummaryBytes)
        {
            return [];
        }

        var list = new List<RecordedIncident>();
        foreach (var line in File.ReadLines(Summaries))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, IncidentJson.Default.RecordedIncident) is { } s)
                {
                    list.Add(s);
                }
            }
            catch (JsonException)
            {
            }
        }

        list.Reverse();
        return list;
    }

    /// <summary>The summaries of the last <see cref="MaxBundles"/> x 20 incidents are kept.</summary>
    private void TrimSummaries()
    {
        var lines = File.ReadAllLines(Summaries);
        if (lines.Length > MaxBundles * 20)
        {
            File.WriteAllLines(Summaries, lines[^(MaxBundles * 20)..]);
        }
    }

    /// <summary>The oldest bundles removed beyond the bounds.</summary>
    public void Prune()
    {
        var bundles = new DirectoryInfo(Dir).EnumerateFiles("*.tar.gz").OrderByDescending(f => f.LastWriteTimeUtc).ToList();
        long total = 0;
        foreach (var (f, i) in bundles.Select((f, i) => (f, i)))
        {
            total += f.Length;
            if (i >= MaxBundles || total > MaxBytes || f.LastWriteTimeUtc < DateTime.UtcNow - MaxAge)
            {
                f.Delete();
            }
        }
    }
}
