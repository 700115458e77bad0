using System.Security.Cryptography;

namespace NgxDoctor.Host.Security;

/// <summary>
/// Writes a file only its owner may read (0600): to a new temporary file beside the target (O_CREAT|O_EXCL, so a
/// symlink planted there is never followed), then renamed over the target, which replaces a planted symlink instead
/// of writing through it. A failed write leaves the target as it was.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string target, Action<Stream> write)
    {
        var full = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{RandomNumberGenerator.GetHexString(8, lowercase: true)}.tmp");
        try
        {
            using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static void Write(string target, string text) => Write(target, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
}
