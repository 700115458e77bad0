using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// Takes on another user's uid, gid and groups on the calling thread only: the raw system calls, because glibc's
/// setresuid() changes every thread of the process. Sockets this thread creates then carry that user's credentials
/// (what iptables `-m owner` and nft `meta skuid/skgid` match).
/// </summary>
internal static partial class ThreadCredentials
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c);

    private static (long SetGroups, long SetResGid, long SetResUid) Numbers => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (116, 119, 117),
        Architecture.Arm64 => (159, 149, 147),
        _ => (-1, -1, -1),
    };

    /// <summary>0, or the errno of the call that failed (the thread may then be half changed: it must not go on).</summary>
    public static unsafe int Become(uint uid, uint gid, IReadOnlyList<uint> groups)
    {
        var (setGroups, setResGid, setResUid) = Numbers;
        if (setGroups < 0)
        {
            return 38; // ENOSYS: an architecture whose numbers are not known here
        }

        var list = groups.Count > 0 ? groups.ToArray() : [gid];
        fixed (uint* p = list)
        {
            if (Syscall(setGroups, list.Length, (long)p, 0) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }

        return Syscall(setResGid, gid, gid, gid) != 0 || Syscall(setResUid, uid, uid, uid) != 0 ? Marshal.GetLastPInvokeError() : 0;
    }
}
