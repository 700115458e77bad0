namespace NgxDoctor.Config;

/// <summary>Where configuration files come from: the disk, or one `nginx -T` dump holding several files.</summary>
public interface IConfigSource
{
    /// <summary>The text of a file; throws <see cref="ConfigParseException"/> when it cannot be had.</summary>
    string Read(string path);

    bool Exists(string path);

    /// <summary>Whether the path names a directory (an include of one is an error nginx reports).</summary>
    bool IsDirectory(string path);

    IReadOnlyList<string> Glob(string pattern);
}

/// <param name="opener">
/// Who opens the files: null for ngxdoctor itself; for an nginx whose master runs as another user, that user, so an
/// include names only what that nginx could read (a file that user may not open is named, never read).
/// </param>
public sealed class DiskConfigSource(RegularFile.Opener? opener = null) : IConfigSource
{
    public static readonly DiskConfigSource Instance = new();

    /// <summary>A file behind a symlink another user planted toward a file only root reads is refused by name, never quoted.</summary>
    public string Read(string path) => FileTrust.WhyNotDisclosable(path) is { } why
        ? throw new ConfigParseException(new SourcePos(path, 0, 0), why)
        : ConfigText.ReadFile(path, opener);

    public bool Exists(string path) => UnixFileStatus.Of(path).Exists;

    public bool IsDirectory(string path) => UnixFileStatus.Of(path).Kind == UnixFileKind.Directory;

    public IReadOnlyList<string> Glob(string pattern) => Config.Glob.Expand(pattern);
}

public sealed class DumpConfigSource(IReadOnlyDictionary<string, string> files) : IConfigSource
{
    public IReadOnlyDictionary<string, string> Files { get; } = files;

    public string Read(string path) => Files.TryGetValue(path, out var text)
        ? text
        : throw new ConfigParseException(new SourcePos(path, 0, 0), "not in the nginx -T dump");

    public bool Exists(string path) => Files.ContainsKey(path);

    public bool IsDirectory(string path) => false;

    public IReadOnlyList<string> Glob(string pattern)
    {
        var hits = Files.Keys.Where(p => Config.Glob.MatchesPath(p, pattern)).ToList();
        hits.Sort(StringComparer.Ordinal);
        return hits;
    }
}

/// <summary>Another source with some files' text replaced: a configuration as it will read once edits are written.</summary>
public sealed class OverlayConfigSource(IConfigSource inner, IReadOnlyDictionary<string, string> texts) : IConfigSource
{
    public string Read(string path) => texts.TryGetValue(path, out var text) ? text : inner.Read(path);

    public bool Exists(string path) => texts.ContainsKey(path) || inner.Exists(path);

    public bool IsDirectory(string path) => !texts.ContainsKey(path) && inner.IsDirectory(path);

    public IReadOnlyList<string> Glob(string pattern) => inner.Glob(pattern);
}
