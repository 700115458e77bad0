using System.Globalization;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// AppArmor or SELinux refused nginx's connection to an upstream: file modes and the firewall allow it, the probe
/// (unconfined) gets through, and nginx still logs "(13: Permission denied)". Matched only on what the denial names:
/// nginx's command or a worker's pid, and the upstream's socket path or TCP port.
/// </summary>
public sealed class MacDenialCheck : ICheck
{
    /// <summary>Its id, as findings carry it and fixers select by it.</summary>
    public const string CheckId = "mac-denial";

    public string Id => CheckId;

    public string Title => "AppArmor and SELinux let nginx connect to its upstreams";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.SocketPermission];

    public IReadOnlyList<Fact> Needs => [Fact.KernelLog];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var workers = facts.Instance?.WorkerPids ?? [];
        var byNginx = (facts.MacDenials ?? []).Where(d => d.Command == "nginx" || (d.Pid is { } pid && workers.Contains(pid))).ToList();
        var now = facts.Logs?.Now ?? facts.CollectedAt.LocalDateTime;
        var findings = facts.Inventory.Targets.GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t => (Target: t, Denials: byNginx.Where(d => Names(d, t)).ToList()))
            .Where(x => x.Denials.Count > 0)
            .Select(x => Finding(x.Target, x.Denials, now))
            .ToList();
        return CheckOutcome.Ran(findings);
    }

    private static bool Names(MacDenial d, UpstreamTarget t) =>
        t.Address.SocketPath is { } path ? d.Target == path || (d.Target is { } name && !name.Contains('/', StringComparison.Ordinal) && path.EndsWith("/" + name, StringComparison.Ordinal))
        : t.Address.Port is { } port && d.Target == "port " + port.ToString(CultureInfo.InvariantCulture);

    private Finding Finding(UpstreamTarget target, List<MacDenial> denials, DateTime now)
    {
        var last = denials[^1];
        var who = last.Module == "AppArmor" ? $"AppArmor (profile {last.Profile})" : $"SELinux ({last.Profile ?? "nginx's domain"}, {{ {last.Operation} }})";
        return new Finding(Cause.SocketPermission, last.Time >= now - LogFacts.Quiet ? Severity.Critical : Severity.Warning, target.Address.Text,
            $"{who} denies nginx's connection to {target.Address.Text}: {denials.Count} denial(s), the last at {LogEvidence.Time(last.Time)}",
            denials.TakeLast(3).Select(d => new Evidence(EvidenceKind.Log, "kernel", d.Line.Trim())).ToList(),
            Remedy(target, last))
        { Check = Id };
    }

    private static Remedy Remedy(UpstreamTarget target, MacDenial d)
    {
        if (d.Module == "AppArmor")
        {
            var rule = target.Address.SocketPath is { } path ? $"`{path} rw,`" : "`network inet stream,` (and `network inet6 stream,`)";
            return new Remedy($"Allow it in AppArmor profile {d.Profile}: add {rule} to the profile (or its local include under /etc/apparmor.d/local/), then reload it with apparmor_parser -r; `aa-complain {d.Profile}` for a moment confirms it is the cause.",
                ["aa-status", $"journalctl -k --no-pager | grep 'apparmor=\"DENIED\"' | grep 'comm=\"nginx\"'"]);
        }

        return target.Address.SocketPath is { } socket
            ? new Remedy($"The socket's SELinux label does not let {d.Profile ?? "nginx"} connect: give {socket} a label nginx may use (semanage fcontext -a -t httpd_var_run_t '{socket}'; restorecon -v '{socket}'), or build a local module from the denials (audit2allow) after reading them.",
                [$"ls -Z {socket}", "ausearch -m AVC -c nginx --start recent"])
            : new Remedy($"SELinux does not let {d.Profile ?? "nginx"} connect to {d.Target}: `setsebool -P httpd_can_network_connect 1` (any port), or label just that port for web traffic (semanage port -a -t http_port_t -p tcp {target.Address.Port}).",
                ["getsebool httpd_can_network_connect", $"semanage port -l | grep -w {target.Address.Port}"]);
    }
}
