namespace NgxDoctor.Scenarios;

/// <summary>The repository's configuration fixtures (tests/NgxDoctor.Config.Tests/Fixtures), copied where nginx -t can read them.</summary>
public static class ConfigFixtures
{
    private static string Source => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Every fixture tree with a main file (nginx.conf).</summary>
    public static IReadOnlyList<string> Names => Directory.EnumerateDirectories(Source)
        .Where(d => File.Exists(Path.Combine(d, "nginx.conf"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A copy under <paramref name="dir"/>, with the absolute paths of a Debian install (/etc/nginx, its logs and pid
    /// file) pointed into the copy; returns the copy's main file.
    /// </summary>
    public static string Copy(string name, string dir)
    {
        var root = Path.Combine(dir, name);
        var src = Path.Combine(Source, name);
        foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(src, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var text = File.ReadAllText(file).Replace("/etc/nginx", root, StringComparison.Ordinal)
                .Replace("/var/log/nginx", root, StringComparison.Ordinal).Replace("/run/nginx.pid", Path.Combine(root, "nginx.pid"), StringComparison.Ordinal)
                .Replace("%MODULES%", "/usr/lib/nginx/modules", StringComparison.Ordinal);
            File.WriteAllText(target, text);
        }

        return Path.Combine(root, "nginx.conf");
    }
}
