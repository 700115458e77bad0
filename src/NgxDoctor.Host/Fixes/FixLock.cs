using System.Globalization;
using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// The host's one fix transaction at a time: an exclusive flock(2) on the state directory's lock file, held from
/// before recovery to the end of the apply or rollback, released by the kernel when the process dies.
/// </summary>
public sealed partial class FixLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private readonly FileStream _file;

    private FixLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or says which process holds it.</summary>
    public static FixLock Take(FixState state)
    {
        state.CreatePrivateDirectory(state.Dir);
        var path = Path.Combine(state.Dir, "lock");
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, UnixCreateMode = Security.PrivateFile.OwnerOnly,
        });
        if (Flock(file.SafeFileHandle.DangerousGetHandle().ToInt32(), LockExclusive | LockNonBlocking) != 0)
        {
            var holder = new StreamReader(file).ReadToEnd().Trim();
            file.Dispose();
            throw new FixLockedException($"another fix transaction runs on this host (pid {(holder.Length > 0 ? holder : "unknown")}, lock {path}): wait for it to end");
        }

        file.SetLength(0);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        file.Write(System.Text.Encoding.ASCII.GetBytes(pid + "\n"));
        file.Flush();
        return new FixLock(file);
    }

    public void Dispose() => _file.Dispose();

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}

public sealed class FixLockedException(string message) : Exception(message);
