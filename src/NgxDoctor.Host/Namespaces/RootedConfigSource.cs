using NgxDoctor.Config;

namespace NgxDoctor.Host.Namespaces;

/// <summary>An instance's configuration files read through its root: positions keep the instance's own paths.</summary>
public sealed class RootedConfigSource(InstanceRoot root, DiskConfigSource? disk = null) : IConfigSource
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    public string Read(string path) => (disk ?? DiskConfigSource.Instance).Read(root.Map(path));

    public bool Exists(string path) => DiskConfigSource.Instance.Exists(root.Map(path));

    public bool IsDirectory(string path) => DiskConfigSource.Instance.IsDirectory(root.Map(path));

    /// <summary>The directory before the first wildcard is resolved inside the root; the matches are named as the instance names them.</summary>
    public IReadOnlyList<string> Glob(string pattern)
    {
        var wild = pattern.IndexOfAny(Wildcards);
        var cut = wild < 0 ? pattern.LastIndexOf('/') : pattern.LastIndexOf('/', wild);
        if (cut < 0)
        {
            return DiskConfigSource.Instance.Glob(pattern);
        }

        var dir = pattern[..cut];
        var mapped = root.Map(dir is "" ? "/" : dir).TrimEnd('/');
        return DiskConfigSource.Instance.Glob(mapped + pattern[cut..]).Select(p => dir + p[mapped.Length..]).ToList();
    }
}
