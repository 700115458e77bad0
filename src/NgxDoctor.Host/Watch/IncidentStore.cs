using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Bundles;

namespace NgxDoctor.Host.Watch;

/// <summary>
/// The flight recorder's shelf: a bundle per incident (the format of `collect`, redacted, 0600) in incidents/ of the
/// state directory (0700), read later with `diagnose --from`. Bounded so a flapping box does not fill its disk: the
/// oldest go first beyond <see cref="MaxBundles"/> bundles, <see cref="MaxBytes"/> in all, or <see cref="MaxAge"/>.
/// </summary>
public sealed class IncidentStore(string dir)
{
    public const int MaxBundles = 50;
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
