using System.Text;
using NgxDoctor.Config;

namespace NgxDoctor.Config.Tests;

/// <summary>A temporary directory of configuration files, removed when disposed.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles()
    {
        Root = Directory.CreateTempSubdirectory("ngxdoctor-cfg-").FullName;
    }

    public string Root { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Writes a file; "{root}" in the text becomes this directory.</summary>
    public string Write(string relative, string text)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text.Replace("{root}", Root, StringComparison.Ordinal));
        return full;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose() => Directory.Delete(Root, true);

    public static string FixturePath(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    /// <summary>Copies a fixture tree, rewriting an absolute prefix (e.g. /etc/nginx) to this directory.</summary>
    public void CopyFixture(string fixture, string? absolutePrefix = null)
    {
        var src = FixturePath(fixture);
        foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
        {
            var rel = System.IO.Path.GetRelativePath(src, file);
            var text = File.ReadAllText(file);
            if (absolutePrefix is not null)
            {
                text = text.Replace(absolutePrefix, Root, StringComparison.Ordinal);
            }

            Write(rel, text);
        }
    }
}

/// <summary>A canonical text of a directive tree, to compare trees from different sources.</summary>
public static class TreeDump
{
    public static string Of(IReadOnlyList<Directive> list, bool withPositions = false)
    {
        var sb = new StringBuilder();
        Append(sb, list, 0, withPositions);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, IReadOnlyList<Directive> list, int depth, bool withPositions)
    {
        foreach (var d in list)
        {
            sb.Append(' ', depth * 2).Append('[').Append(d.Name).Append(']');
            foreach (var a in d.Args)
            {
                sb.Append(" <").Append(a.Value).Append('>');
            }

            if (withPositions)
            {
                sb.Append(" @").Append(d.Pos.File).Append(':').Append(d.Pos.Line);
            }

            if (d.EmbeddedCode is not null)
            {
                sb.Append(" code=").Append(d.EmbeddedCode.Length);
            }

            sb.Append('\n');
            if (d.Block is not null && d.EmbeddedCode is null)
            {
                Append(sb, d.Block, depth + 1, withPositions);
            }
        }
    }
}
