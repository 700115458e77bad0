using System.Globalization;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// The host's one fix transaction at a time: the state directory's lock file held open with FileShare.None, which
/// .NET takes as an exclusive flock(2), from before recovery to the end of the apply or rollback; the kernel releases
/// it when the process dies. The holder's pid is written beside it, to be named to whoever waits.
/// </summary>
public sealed class FixLock : IDisposable
{
    private readonly FileStream _file;

    private FixLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or says which process holds it.</summary>
    public static FixLock Take(FixState state)
    {
        state.CreatePrivateDirectory(state.Dir);
        var path = Path.Combine(state.Dir, "lock");
        var owner = Path.Combine(state.Dir, "lock.pid");
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = Security.PrivateFile.OwnerOnly,
            });
        }
        catch (IOException)
        {
            var holder = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "";
            throw new FixLockedException($"another fix transaction runs on this host (pid {(holder.Length > 0 ? holder : "unknown")}, lock {path}): wait for it to end");
        }

        Security.PrivateFile.Write(owner, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new FixLock(file);
    }

    public void Dispose() => _file.Dispose();
}

public sealed class FixLockedException(string message) : Exception(message);
