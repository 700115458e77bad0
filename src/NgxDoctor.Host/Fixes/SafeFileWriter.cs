using NgxDoctor.Config;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Replaces a file so that a reader sees the old bytes or the new ones, never a mix: a temporary file in the same
/// directory (created 0600, O_EXCL) given the owner, group and mode of <c>like</c> (by default the file it replaces;
/// a file with neither stays 0600), fsync, rename over the original, fsync the directory.
/// </summary>
public static class SafeFileWriter
{
    public static void Write(string path, byte[] bytes, UnixFileStatus? like = null)
    {
        var status = like ?? UnixFileStatus.Of(path);
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.ngxdoctor-{Environment.ProcessId}.tmp");
        try
        {
            using (var f = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Security.PrivateFile.OwnerOnly }))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }

            if (status.Exists)
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

    /// <summary>The pid a temporary file of <see cref="Write"/> names, null for any other file.</summary>
    public static int? TempOwner(string temp)
    {
        var name = Path.GetFileName(temp);
        var at = name.LastIndexOf(".ngxdoctor-", StringComparison.Ordinal);
        return at >= 0 && name.EndsWith(".tmp", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(at + 11, name.Length - at - 15), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
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

        if (file.Links > 1)
        {
            // A rename gives this name new bytes and leaves the other names with the old: the two would disagree.
            return $"{path} has {file.Links} hard links; writing it would split them (the other names would keep the old text): edit it by hand";
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
