using System.Runtime.InteropServices;

namespace NgxDoctor.Config;

/// <summary>A user a file is checked for: uid, primary group and supplementary groups.</summary>
public sealed record FileAccessor(uint Uid, uint Gid, IReadOnlyList<uint> Groups)
{
    public static readonly FileAccessor Others = new(uint.MaxValue - 1, uint.MaxValue - 1, []);
}

/// <summary>
/// Whether a path is root's own, so that nothing another user wrote can be behind it. Every directory on the way
/// (through every symlink, each of which is checked where it lies) must belong to root (or to ngxdoctor's own user)
/// and be writable by nobody else, except a sticky directory (/tmp) whose next entry is root's. Such a path was set
/// up by root, so running or disclosing what it names is root's own choice; anything else may be a plant.
/// </summary>
public static partial class FileTrust
{
    private const int MaxLinks = 40;

    private static readonly uint Self = GetEuid();

    /// <summary>The user ngxdoctor runs as.</summary>
    public static uint EffectiveUid => Self;

    /// <summary>Why root may not run <paramref name="path"/>; null when the program and every directory above it are root's.</summary>
    public static string? WhyNotRunnable(string path)
    {
        if (Walk(path, out var real) is { } why)
        {
            return why;
        }

        var status = UnixFileStatus.Of(real, followSymlinks: false);
        return status.Kind != UnixFileKind.Regular ? $"{real} is not a regular file"
            : !Owned(status) ? $"{real} belongs to uid {status.Uid}, not root"
            : Writable(status) ? $"{real} is writable by {Writers(status)}"
            : null;
    }

    /// <summary>The path with every symlink resolved once the walk found it trusted; null when it is not.</summary>
    public static string? TrustedRealPath(string path) => Walk(path, out var real) is null ? real : null;

    /// <summary>
    /// Why the text of <paramref name="path"/> may not leave ngxdoctor (be quoted, copied into a bundle): null when
    /// it lies on a path only root set up, when every user may read it, or when <paramref name="reader"/> (nginx's
    /// worker) may: a symlink another user planted toward a file only root reads is never followed.
    /// </summary>
    public static string? WhyNotDisclosable(string path, FileAccessor? reader = null)
    {
        var planted = Walk(path, out _);
        if (planted is null || !UnixFileStatus.Of(path).Exists || ReadableBy(path, FileAccessor.Others) || (reader is not null && ReadableBy(path, reader)))
        {
            return null;
        }

        return $"{planted}, and {Describe(path)} is readable neither by every user nor by nginx's user: not read, not quoted";
    }

    /// <summary>Whether <paramref name="who"/> may read the file: search (x) on every directory of its real path, read (r) on it.</summary>
    public static bool ReadableBy(string path, FileAccessor who) => RealPath(path) is { } real && ReadableAlong(real, who);

    /// <summary>
    /// The same along a path whose links are already resolved (a container's file through /proc/PID/root, where
    /// realpath would name the file as the host mounts it, or not at all).
    /// </summary>
    public static bool ReadableAlong(string real, FileAccessor who)
    {
        var dir = Path.GetDirectoryName(real);
        for (; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (!Allows(UnixFileStatus.Of(dir), who, 1))
            {
                return false;
            }
        }

        return Allows(UnixFileStatus.Of(real), who, 4);
    }

    public static string? RealPath(string path)
    {
        var p = RealPathNative(path, IntPtr.Zero);
        if (p == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(p);
        }
        finally
        {
            Free(p);
        }
    }

    private static string Describe(string path) => RealPath(path) is { } real && real != path ? $"its target {real}" : path;

    /// <summary>Why some directory or symlink on the way to <paramref name="path"/> could be another user's doing; null when none.</summary>
    private static string? Walk(string path, out string real)
    {
        real = Path.GetFullPath(path);
        var links = 0;
        var pending = new Queue<string>(real.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = "/";
        var parent = UnixFileStatus.Of("/", followSymlinks: false);
        if (!Owned(parent) || Writable(parent) && !Sticky(parent))
        {
            return "/ is writable by another user";
        }

        while (pending.TryDequeue(out var name))
        {
            var next = Path.Combine(current, name);
            var status = UnixFileStatus.Of(next, followSymlinks: false);
            if (Writable(parent) && !Owned(status) && status.Exists)
            {
                return $"{next} belongs to uid {status.Uid} in {current}, which every user may write to";
            }

            if (status.Kind == UnixFileKind.Symlink)
            {
                if (++links > MaxLinks)
                {
                    return $"{path} has too many levels of symbolic links";
                }

                var target = new FileInfo(next).LinkTarget ?? "";
                var rest = pending.ToArray();
                var resolved = Path.GetFullPath(target, current);
                pending = new Queue<string>(resolved.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = "/";
                parent = UnixFileStatus.Of("/", followSymlinks: false);
                continue;
            }

            if (pending.Count > 0)
            {
                if (status.Kind != UnixFileKind.Directory)
                {
                    real = Path.Combine([next, .. pending]);
                    return null;
                }

                if (!Owned(status))
                {
                    return $"directory {next} belongs to uid {status.Uid}, not root";
                }

                if (Writable(status) && !Sticky(status))
                {
                    return $"directory {next} is writable by {Writers(status)}";
                }
            }

            current = next;
            parent = status;
        }

        real = current;
        return null;
    }

    private static bool Owned(UnixFileStatus s) => s.Uid == 0 || s.Uid == Self;

    private static bool Writable(UnixFileStatus s) => (s.Mode & 0x2) != 0 || ((s.Mode & 0x10) != 0 && s.Gid != 0);

    private static bool Sticky(UnixFileStatus s) => (s.Mode & 0x200) != 0;

    private static string Writers(UnixFileStatus s) => (s.Mode & 0x2) != 0 ? "every user" : $"group {s.Gid}";

    private static bool Allows(UnixFileStatus entry, FileAccessor who, int bit)
    {
        if (!entry.Exists)
        {
            return false;
        }

        var mode = entry.Mode & 0x1ff;
        var bits = who.Uid == entry.Uid ? mode >> 6 : who.Gid == entry.Gid || who.Groups.Contains(entry.Gid) ? mode >> 3 : mode;
        return (bits & bit) != 0;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPathNative(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr p);
}
