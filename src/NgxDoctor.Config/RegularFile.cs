using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NgxDoctor.Config;

/// <summary>
/// The one way a file named by a user, a configuration or a process is opened: non-blocking (a FIFO never blocks),
/// checked with fstat on the open descriptor to be a regular file (not a FIFO, device, directory or socket), and read
/// with a bound that does not trust the size the file claims (/dev/zero says 0).
/// </summary>
public static partial class RegularFile
{
    /// <summary>open(2) as somebody: a descriptor, or minus the errno.</summary>
    public delegate int Opener(string path, int flags);

    private static readonly AsyncLocal<Opener?> Scoped = new();

    /// <summary>
    /// Runs <paramref name="work"/> with every file it opens here opened by <paramref name="opener"/> (the logs of an
    /// nginx another user runs are read with that user's rights, not merely checked with them and read as root).
    /// </summary>
    public static T With<T>(Opener? opener, Func<T> work)
    {
        if (opener is null)
        {
            return work();
        }

        var saved = Scoped.Value;
        Scoped.Value = opener;
        try
        {
            return work();
        }
        finally
        {
            Scoped.Value = saved;
        }
    }

    private const int ReadOnly = 0;
    private const int NoCtty = 0x100;
    private const int NonBlock = 0x800;
    private const int CloseOnExec = 0x80000;

    // O_NOFOLLOW differs between architectures (asm-generic vs x86).
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>Opens <paramref name="path"/> for reading, or throws <see cref="IOException"/> naming it and why (never its content).</summary>
    /// <param name="opener">Who opens it: null for this process itself, else with the rights of the user an nginx runs as.</param>
    public static FileStream Open(string path, bool followLinks = true, Opener? opener = null, int bufferSize = 1)
    {
        var fd = (opener ?? Scoped.Value ?? OpenHere)(path, ReadOnly | NoCtty | NonBlock | CloseOnExec | (followLinks ? 0 : NoFollow));
        if (fd < 0)
        {
            var errno = -fd;
            var message = errno == 40 && !followLinks ? $"{path}: is a symbolic link; not followed" : $"{path}: {ConfigText.ErrnoText(errno)}";
            throw errno is 2 or 20 ? new FileNotFoundException(message, path) : new IOException(message);
        }

        var handle = new SafeFileHandle(fd, true);
        var status = UnixFileStatus.Of(handle);
        if (status.Kind != UnixFileKind.Regular)
        {
            handle.Dispose();
            throw new IOException($"{path}: {Describe(status.Kind)}, not a regular file; not read");
        }

        return new FileStream(handle, FileAccess.Read, bufferSize);
    }

    /// <summary>The whole file, at most <paramref name="limit"/> bytes, or <see cref="IOException"/> when it holds more.</summary>
    public static byte[] ReadAllBytes(string path, long limit, bool followLinks = true, Opener? opener = null)
    {
        using var file = Open(path, followLinks, opener);
        return ReadBounded(file, path, limit);
    }

    public static string ReadAllText(string path, long limit, bool followLinks = true) =>
        System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, limit, followLinks));

    /// <summary>Reads to the end, at most <paramref name="limit"/> bytes whatever the stream claims its length is.</summary>
    public static byte[] ReadBounded(Stream stream, string name, long limit)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, limit + 1 - memory.Length))) > 0)
        {
            memory.Write(buffer, 0, n);
            if (memory.Length > limit)
            {
                throw new IOException($"{name}: larger than {limit} bytes; not read");
            }
        }

        return memory.ToArray();
    }

    public static string Describe(UnixFileKind kind) => kind switch
    {
        UnixFileKind.Fifo => "is a FIFO",
        UnixFileKind.CharDevice => "is a character device",
        UnixFileKind.BlockDevice => "is a block device",
        UnixFileKind.Directory => "is a directory",
        UnixFileKind.Socket => "is a socket",
        UnixFileKind.Symlink => "is a symbolic link",
        _ => $"is a {kind.ToString().ToLowerInvariant()}",
    };

    /// <summary>Whether <paramref name="opener"/> may open the file for reading: why not, or null.</summary>
    public static string? WhyNotOpenable(string path, Opener opener)
    {
        try
        {
            using var file = Open(path, true, opener);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>open(2) by this process: a descriptor, or minus the errno.</summary>
    public static int OpenHere(string path, int flags)
    {
        var fd = OpenNative(path, flags);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);
}
