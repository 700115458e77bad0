using NgxDoctor.Config;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Replaces a file so that a reader sees the old bytes or the new ones, never a mix: a temporary file in the same
/// directory with the original's owner, group and mode, fsync, rename over the original, fsync the directory.
/// </summary>
public static class SafeFileWriter
{
    public static void Write(string path, byte[] bytes, bool preserveOwner = true)
    {
        var status = UnixFileStatus.Of(path);
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.ngxdoctor-{Environment.ProcessId}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }

            if (status.Exists && preserveOwner)
            {
                File.SetUnixFileMode(temp, (UnixFileMode)(status.Mode & 0xfff));
                if (FactsCollector.IsRoot || UnixFileStatus.Of(temp).Uid != status.Uid)
                {
                    Native.Chown(temp, status.Uid, status.Gid);
                }
            }

            File.Move(temp, path, overwrite: true);
            Native.FsyncDirectory(dir);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Why a file may not be edited: a directory others than root and the file's owner can write to; null when it may.</summary>
    public static string? Refusal(string path)
    {
        var file = UnixFileStatus.Of(path);
        var dir = Path.GetDirectoryName(path)!;
        var d = UnixFileStatus.Of(dir);
        if (!file.Exists || file.Kind != UnixFileKind.Regular)
        {
            return $"{path} is not a regular file";
        }

        if (d.Uid != 0 && d.Uid != file.Uid)
        {
            return $"{dir} belongs to uid {d.Uid}, neither root nor the file's owner: another user could swap the file";
        }

        return (d.Mode & 0x2) != 0 || ((d.Mode & 0x10) != 0 && d.Gid != 0)
            ? $"{dir} is writable by {((d.Mode & 0x2) != 0 ? "every user" : $"group {d.Gid}")}: another user could swap the file"
            : null;
    }
}
