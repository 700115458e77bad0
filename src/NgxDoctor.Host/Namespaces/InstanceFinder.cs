using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Namespaces;

/// <summary>Which instances to diagnose: all (the default), the master with <see cref="Pid"/>, or the one in <see cref="Container"/> (name or id prefix).</summary>
public sealed record InstanceSelector(int? Pid = null, string? Container = null);

/// <summary>
/// Every nginx master in /proc as an instance: its namespaces (by inode), its container (cgroup, then the Docker
/// Engine API for its name, image and compose/pod labels), its root and where its sockets must be made.
/// </summary>
public static class InstanceFinder
{
    /// <summary><paramref name="masters"/>: the masters already read from /proc, if the caller has them.</summary>
    public static async Task<IReadOnlyList<LocatedInstance>> LocateAsync(InstanceSelector selector, CancellationToken ct, string procRoot = "/proc", IReadOnlyList<NginxInstance>? masters = null)
    {
        masters ??= NginxProcesses.Find(ProcessTable.Read(procRoot), procRoot);
        var own = ProcNamespaces.Own(procRoot);
        var notes = new List<NotCollected>();
        var containers = await ContainerNames.ResolveAsync(masters.Select(m => (m.MasterPid, CgroupContainer.Of(procRoot, m.MasterPid))), notes, ct).ConfigureAwait(false);
        var chosen = masters.Where(m => Matches(selector, m, containers.GetValueOrDefault(m.MasterPid))).ToList();
        if (chosen.Count == 0)
        {
            throw new NoNginxException(selector.Pid is { } pid ? $"no nginx master process with pid {pid}"
                : selector.Container is { } c ? $"no nginx master runs in a container named or with an id starting {c}"
                : "no running nginx master found");
        }

        var located = new List<LocatedInstance>();
        foreach (var m in chosen)
        {
            located.Add(await OneAsync(m, own, containers.GetValueOrDefault(m.MasterPid), procRoot, ct).ConfigureAwait(false));
        }

        return Named(located, notes);
    }

    private static bool Matches(InstanceSelector s, NginxInstance m, ContainerIdentity? c) =>
        (s.Pid is null || s.Pid == m.MasterPid)
        && (s.Container is null || (c is not null && (c.Name == s.Container || c.Id.StartsWith(s.Container, StringComparison.Ordinal))));

    private static async Task<LocatedInstance> OneAsync(NginxInstance m, NamespaceIds own, ContainerIdentity? container, string procRoot, CancellationToken ct)
    {
        var ns = ProcNamespaces.Of(procRoot, m.MasterPid);
        var pidDir = Path.Combine(procRoot, m.MasterPid.ToString(CultureInfo.InvariantCulture));
        // Without root another user's namespaces cannot be read: a container is still read through its root, and
        // nothing is probed from a namespace that may not be nginx's.
        var otherMounts = ns.Mnt is null ? container is not null : own.Mnt is not null && ns.Mnt != own.Mnt;
        var root = otherMounts ? new InstanceRoot(Path.Combine(pidDir, "root")) : InstanceRoot.Host;
        var ownNetwork = ns.Net is not null && own.Net is not null && ns.Net != own.Net;
        var network = NetworkNamespace.Own;
        string? blind = ns.Net is null && ProcNamespaces.SameNetwork(procRoot, m.MasterPid) != true
            ? $"the network namespace of pid {m.MasterPid} cannot be read (/proc/{m.MasterPid}/ns/net: not root?) and its sockets are not ngxdoctor's"
            : null;
        if (ownNetwork)
        {
            try
            {
                network = NetworkNamespace.Enter(Path.Combine(pidDir, "ns/net"), ns.Net!.Value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                blind = $"{e.Message} (entering another process's namespace needs root)";
            }
        }

        var single = await InstanceLocator.LocateAsync(null, [m], ct, root).ConfigureAwait(false);
        var identity = new InstanceIdentity("", m.MasterPid, single.ConfigFile)
        {
            Namespaces = ns,
            Container = container,
            Root = root.Directory,
            OwnNetwork = ownNetwork,
        };
        // The host's root (same directory, same user namespace), only its mounts private: no container.
        var privateMounts = otherMounts && container is null && ns.User == own.User && SameDirectory(Path.Combine(pidDir, "root"), "/")
            ? Path.Combine(pidDir, "ns/mnt") : null;
        return single with { Identity = identity, From = new Vantage(network, root) { Blind = blind }, PrivateMounts = privateMounts };
    }

    private static bool SameDirectory(string a, string b) =>
        Config.UnixFileStatus.Of(a) is { Kind: Config.UnixFileKind.Directory } x && Config.UnixFileStatus.Of(b) is var y && x.Inode == y.Inode && x.Device == y.Device;

    /// <summary>Ids a person can type back: the container's name, "host", else "pid:N".</summary>
    private static List<LocatedInstance> Named(List<LocatedInstance> located, List<NotCollected> notes)
    {
        var hosts = located.Count(l => l.Identity!.Container is null && !l.Identity.OwnNetwork && l.Identity.Root == "/");
        var result = new List<LocatedInstance>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in located)
        {
            var i = l.Identity!;
            var id = i.Container?.Name ?? (i.Container is { } c ? c.ShortId : hosts == 1 && !i.OwnNetwork && i.Root == "/" ? "host" : $"pid:{i.MasterPid}");
            if (!taken.Add(id))
            {
                id = $"{id}:pid:{i.MasterPid}";
                taken.Add(id);
            }

            result.Add(l with { Identity = i with { Id = id }, Notes = [.. l.Notes, .. notes] });
        }

        return result;
    }
}
