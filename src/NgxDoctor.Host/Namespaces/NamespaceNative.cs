using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Namespaces;

/// <summary>The libc calls behind entering a network namespace and asking a socket which namespace it lives in.</summary>
internal static partial class NamespaceNative
{
    public const int CloneNewNet = 0x40000000;
    private const uint SiocGetSocketNamespace = 0x894C; // SIOCGSKNS: an fd of the socket's network namespace

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, uint request, nint arg);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>The inode of the network namespace a socket was created in (null when the kernel will not say).</summary>
    public static ulong? SocketNamespace(System.Net.Sockets.Socket socket)
    {
        var fd = Ioctl((int)socket.SafeHandle.DangerousGetHandle(), SiocGetSocketNamespace, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return ProcNamespaces.InodeOf($"/proc/self/fd/{fd}");
        }
        finally
        {
            Close(fd);
        }
    }
}
