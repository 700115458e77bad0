using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Fixes;

/// <summary>The few libc calls .NET has no managed form of: chown, fsync of a directory, signals to a process.</summary>
internal static partial class Native
{
    public const int SigHup = 1;
    public const int SigUsr2 = 12;
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Makes a rename in <paramref name="directory"/> durable.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }

        Fsync(fd);
        Close(fd);
    }
}
