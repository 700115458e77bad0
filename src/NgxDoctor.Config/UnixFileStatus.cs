using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NgxDoctor.Config;

public enum UnixFileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Socket,
    Fifo,
    CharDevice,
    BlockDevice,
    Unknown,
}

/// <summary>
/// What stat(2) says of a path (owner, group, mode, type, inode), read with statx(2), whose result
/// layout is the same on every Linux architecture. .NET itself exposes neither owner nor file type.
/// </summary>
public sealed partial record UnixFileStatus(UnixFileKind Kind, uint Uid, uint Gid, int Mode, long Size, ulong Inode, int Errno)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>What a path that is not there reports: the status to give a new file that should copy nothing.</summary>
    public static readonly UnixFileStatus None = new(UnixFileKind.Missing, 0, 0, 0, 0, 0, 2);

    public bool Exists => Kind != UnixFileKind.Missing;

    /// <summary>How many names the file has (hard links).</summary>
    public uint Links { get; init; }

    /// <summary>The device the file lives on (major:minor packed as the kernel reports them).</summary>
    public ulong Device { get; init; }

    public static UnixFileStatus Of(string path, bool followSymlinks = true) => Query(AtFdCwd, path, followSymlinks ? 0 : AtSymlinkNoFollow);

    /// <summary>What fstat(2) says of an open descriptor: the file really opened, whatever its name points to now.</summary>
    public static UnixFileStatus Of(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Query((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static UnixFileStatus Query(int dirfd, string path, int flags)
    {
        Span<byte> buf = stackalloc byte[256];
        int rc;
        unsafe
        {
            fixed (byte* p = buf)
            {
                rc = Statx(dirfd, path, flags, StatxBasicStats, p);
            }
        }

        if (rc != 0)
        {
            return new UnixFileStatus(UnixFileKind.Missing, 0, 0, 0, 0, 0, Marshal.GetLastPInvokeError());
        }

        var uid = BinaryPrimitives.ReadUInt32LittleEndian(buf[20..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(buf[24..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buf[28..]);
        var ino = BinaryPrimitives.ReadUInt64LittleEndian(buf[32..]);
        var size = BinaryPrimitives.ReadInt64LittleEndian(buf[40..]);
        var links = BinaryPrimitives.ReadUInt32LittleEndian(buf[16..]);
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buf[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buf[140..]);
        return new UnixFileStatus(KindOf(mode), uid, gid, mode, size, ino, 0) { Links = links, Device = device };
    }

    private static UnixFileKind KindOf(int mode) => (mode & 0xf000) switch
    {
        0x8000 => UnixFileKind.Regular,
        0x4000 => UnixFileKind.Directory,
        0xa000 => UnixFileKind.Symlink,
        0xc000 => UnixFileKind.Socket,
        0x1000 => UnixFileKind.Fifo,
        0x2000 => UnixFileKind.CharDevice,
        0x6000 => UnixFileKind.BlockDevice,
        _ => UnixFileKind.Unknown,
    };

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
