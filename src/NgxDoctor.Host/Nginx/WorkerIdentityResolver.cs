using System.Globalization;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Nginx;

/// <summary>Who nginx's workers are: read from a running worker's /proc status, else from the `user` directive.</summary>
public static class WorkerIdentityResolver
{
    /// <summary>A running worker's identity, else the `user` directive's as a master started by root would apply it.</summary>
    public static WorkerIdentity? Of(NginxInstance? instance, UpstreamInventory inventory, UserDatabase users, string procRoot, List<NotCollected> notes)
    {
        if (instance is { WorkerPids.Count: > 0 } && FromProcess(instance.WorkerPids[0], users, procRoot) is { } fromProcess)
        {
            return fromProcess;
        }

        // Without a running master, assume it would be started by root, as its service does.
        var masterIsRoot = instance is null || ProcessTable.ReadOne(procRoot, instance.MasterPid)?.Uid == 0;
        var fromConfig = FromConfig(inventory.WorkerUser, users, masterIsRoot);
        if (fromConfig is null)
        {
            notes.Add(new NotCollected(Fact.Worker, "the worker user could not be determined (no running worker, user unknown)"));
        }

        return fromConfig;
    }

    public static WorkerIdentity? FromProcess(int workerPid, UserDatabase users, string procRoot = "/proc")
    {
        string status;
        try
        {
            status = File.ReadAllText(Path.Combine(procRoot, workerPid.ToString(CultureInfo.InvariantCulture), "status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var uid = FirstNumber(ProcessTable.Field(status, "Uid:"));
        var gid = FirstNumber(ProcessTable.Field(status, "Gid:"));
        if (uid is null || gid is null)
        {
            return null;
        }

        var groups = (ProcessTable.Field(status, "Groups:") ?? "").Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)
            .Select(g => uint.TryParse(g, CultureInfo.InvariantCulture, out var n) ? n : (uint?)null).OfType<uint>().ToList();
        return new WorkerIdentity(users.UserName(uid.Value), uid.Value, gid.Value, users.GroupName(gid.Value), groups, $"/proc/{workerPid}/status");
    }

    /// <summary>nginx's rule: `user U [G]`, G defaulting to U's name; without the directive, nobody. Only root masters switch user.</summary>
    public static WorkerIdentity? FromConfig(WorkerUserSetting? setting, UserDatabase users, bool masterIsRoot)
    {
        if (!masterIsRoot)
        {
            return null;
        }

        var name = setting?.User ?? "nobody";
        var groupName = setting?.Group ?? (setting is null ? "nogroup" : name);
        if (users.User(name) is not { } user)
        {
            return null;
        }

        var gid = users.Group(groupName) ?? user.Gid;
        var source = setting is null ? "nginx default (no user directive)" : setting.Pos.ToString();
        return new WorkerIdentity(name, user.Uid, gid, users.GroupName(gid), users.SupplementaryGroups(name).Append(user.Gid).Distinct().ToList(), source);
    }

    private static uint? FirstNumber(string? field) =>
        uint.TryParse(field?.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), CultureInfo.InvariantCulture, out var n) ? n : null;
}
