using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// Changes the group and mode of the very socket that was checked. The socket's directory may belong to the pool's
/// user (/run/php is www-data's on Debian), who can swap the socket for a symlink to any file between the plan and
/// the apply: the socket is opened with O_PATH|O_NOFOLLOW (which never follows a symlink), its type, device and inode
/// are read from that descriptor and must be those recorded, and only then is the descriptor changed
/// (fchownat with AT_EMPTY_PATH; chmod through /proc/self/fd, which names exactly that inode).
/// </summary>
public static partial class SocketOwnership
{
    private const int OPath = 0x200000;
    private const int ONoFollow = 0x20000;
    private const int OCloExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The socket's identity now (no symlink followed): device and inode, null when it is not a socket.</summary>
    public static (ulong Device, ulong Inode)? Identify(string path)
    {
        var fd = Open(path, OPath | ONoFollow | OCloExec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return Identity(fd);
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>Sets group and mode on the socket recorded as (device, inode); why not when the path is no longer that socket.</summary>
    public static string? Set(string path, ulong device, ulong inode, uint gid, int mode)
    {
        var fd = Open(path, OPath | ONoFollow | OCloExec);
        if (fd < 0)
        {
            return $"{path} cannot be opened (errno {Marshal.GetLastPInvokeError()}); left as it is";
        }

        try
        {
            if (Identity(fd) is not { } now)
            {
                return $"{path} is no longer a socket (a symlink or a file put in its place?); nothing changed";
            }

            if (now != (device, inode))
            {
                return $"{path} is another socket than the one checked (inode {now.Inode}, was {inode}); nothing changed";
            }

            if (FchownAt(fd, "", uint.MaxValue, gid, AtEmptyPath) != 0)
            {
                return $"{path}: changing its group failed (errno {Marshal.GetLastPInvokeError()})";
            }

            if (Chmod($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}", (uint)mode) != 0)
            {
                return $"{path}: changing its mode failed (errno {Marshal.GetLastPInvokeError()})";
            }

            return null;
        }
        finally
        {
            Close(fd);
        }
    }

    private static (ulong Device, ulong Inode)? Identity(int fd)
    {
        Span<byte> buf = stackalloc byte[256];
        int rc;
        unsafe
        {
            fixed (byte* p = buf)
            {
                rc = Statx(fd, "", AtEmptyPath, StatxBasicStats, p);
            }
        }

        if (rc != 0 || (BinaryPrimitives.ReadUInt16LittleEndian(buf[28..]) & 0xf000) != 0xc000)
        {
            return null;
        }

        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buf[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buf[140..]);
        return (device, BinaryPrimitives.ReadUInt64LittleEndian(buf[32..]));
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FchownAt(int dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chmod(string path, uint mode);
}
