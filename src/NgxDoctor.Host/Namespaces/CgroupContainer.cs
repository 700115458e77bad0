using System.Globalization;
using System.Text.RegularExpressions;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// The container a process is in, from the paths of /proc/PID/cgroup as every runtime lays them out (cgroupfs and
/// systemd drivers, v1 and v2): docker, containerd/CRI (Kubernetes), CRI-O, podman. Where a private cgroup
/// namespace hides them, Docker's bind mounts in /proc/PID/mountinfo (…/containers/ID/resolv.conf) still name it.
/// </summary>
public static partial class CgroupContainer
{
    [GeneratedRegex(@"(?:^|/)(docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\.scope")]
    private static partial Regex SystemdScope();

    [GeneratedRegex(@"/(docker|libpod|kubepods[^\n]*?)/([0-9a-f]{64})(?:/|$)")]
    private static partial Regex CgroupfsPath();

    [GeneratedRegex(@"/(docker|containers)/containers/([0-9a-f]{64})/(?:resolv\.conf|hostname|hosts)\s")]
    private static partial Regex DockerMount();

    public static ContainerIdentity? Of(string procRoot, int pid)
    {
        var dir = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        return Parse(Proc.ListenerTable.ReadOrEmpty(Path.Combine(dir, "cgroup"))) ?? FromMounts(Proc.ListenerTable.ReadOrEmpty(Path.Combine(dir, "mountinfo")));
    }

    public static ContainerIdentity? Parse(string cgroup)
    {
        foreach (var line in cgroup.Split('\n'))
        {
            var path = line.Split(':', 3) is { Length: 3 } f ? f[2] : "";
            if (SystemdScope().Match(path) is { Success: true } s)
            {
                return new ContainerIdentity(Runtime(s.Groups[1].Value), s.Groups[2].Value);
            }

            if (CgroupfsPath().Match(path) is { Success: true } c)
            {
                return new ContainerIdentity(Runtime(c.Groups[1].Value), c.Groups[2].Value);
            }
        }

        return null;
    }

    public static ContainerIdentity? FromMounts(string mountinfo) =>
        DockerMount().Match(mountinfo) is { Success: true } m ? new ContainerIdentity(m.Groups[1].Value == "docker" ? "docker" : "podman", m.Groups[2].Value) : null;

    private static string Runtime(string marker) => marker switch
    {
        "docker" => "docker",
        "libpod" => "podman",
        "crio" => "cri-o",
        _ => "containerd",
    };
}
