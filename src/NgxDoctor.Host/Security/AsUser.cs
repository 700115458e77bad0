using System.Globalization;
using NgxDoctor.Config;

namespace NgxDoctor.Host.Security;

/// <summary>
/// Files opened with another user's rights: the open(2) runs on a thread of its own that has taken on that user's
/// uid, gid and groups (<see cref="Namespaces.ThreadCredentials"/>) and ends right after, so the kernel itself says
/// what that user may open: modes, ACLs, a bind mount in that user's mount namespace, /proc/PID/root included.
/// The descriptor is then read by ngxdoctor as any other.
/// </summary>
public static class AsUser
{
    /// <summary>
    /// An opener with <paramref name="who"/>'s rights when ngxdoctor runs as root and <paramref name="who"/> is another
    /// user; null otherwise (without root ngxdoctor opens nothing its own user may not, and cannot take on another's).
    /// </summary>
    public static RegularFile.Opener? Opener(FileAccessor? who) =>
        who is null || FileTrust.EffectiveUid != 0 || who.Uid == FileTrust.EffectiveUid ? null : (path, flags) => Open(who, path, flags);

    private static int Open(FileAccessor who, string path, int flags)
    {
        var result = -13;
        var thread = new Thread(() =>
        {
            var failed = Namespaces.ThreadCredentials.Become(who.Uid, who.Gid, who.Groups);
            result = failed != 0 ? -failed : RegularFile.OpenHere(path, flags);
        }, 256 * 1024) { IsBackground = true, Name = "open as uid " + who.Uid.ToString(CultureInfo.InvariantCulture) };
        thread.Start();
        thread.Join();
        return result;
    }

    /// <summary>
    /// The user an nginx master runs as, as this host sees it (/proc/PID/status: a master that is root in a user
    /// namespace another user made is that user here); null when there is no master or it runs as ngxdoctor's user.
    /// </summary>
    public static FileAccessor? MasterOf(LocatedInstance located) => located.Master;

    public static FileAccessor? MasterOf(int? masterPid)
    {
        if (masterPid is not { } pid || Nginx.WorkerIdentityResolver.FromProcess(pid, Proc.UserDatabase.Parse("", "")) is not { } master)
        {
            return null;
        }

        return master.Uid == FileTrust.EffectiveUid ? null : new FileAccessor(master.Uid, master.Gid, master.Groups);
    }

    /// <summary>Why a file of that nginx may not be read: its master's user may not open it; null when it may (or runs as ngxdoctor's user).</summary>
    public static string? WhyNotReadable(string path, LocatedInstance located) => WhyNotReadable(path, MasterOf(located), located.Instance?.MasterPid);

    public static string? WhyNotReadable(string path, FileAccessor? master, int? pid) =>
        Opener(master) is { } opener && RegularFile.WhyNotOpenable(path, opener) is { } why
            ? $"uid {master!.Uid.ToString(CultureInfo.InvariantCulture)}, as whom nginx's master (pid {pid?.ToString(CultureInfo.InvariantCulture)}) runs, may not open it ({why.Replace(path + ": ", "", StringComparison.Ordinal)}): not read, not quoted"
            : null;
}
