using System.Security.Cryptography;
using System.Text;

namespace NgxDoctor.TestSupport;

/// <summary>The sha256, size, mode and mtime of every file under a directory: to prove a run modified nothing.</summary>
public static class TreeSnapshot
{
    public static string Of(string root)
    {
        var sb = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null || (info.Attributes & FileAttributes.Device) != 0)
            {
                sb.Append(file).Append(" -> ").Append(info.LinkTarget).Append('\n');
                continue;
            }

            var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
            sb.Append(file).Append(' ').Append(hash).Append(' ').Append(info.Length).Append(' ')
              .Append(File.GetUnixFileMode(file)).Append(' ').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }

        return sb.ToString();
    }
}
