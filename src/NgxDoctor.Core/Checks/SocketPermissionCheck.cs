using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A served unix socket that nginx's worker user may not connect to. Decided from owner, group and mode
/// as the worker's uid and groups, never from ngxdoctor's own (often root) connection.
/// </summary>
public sealed class SocketPermissionCheck : ICheck
{
    public string Id => Cause.SocketPermission.Code();

    public string Title => "nginx's worker user may connect to every unix socket upstream";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.SocketPermission];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var unixTargets = facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Unix).ToList();
        if (unixTargets.Count == 0)
        {
            return CheckOutcome.Ran([]);
        }

        if (facts.Worker is not { } worker)
        {
            return CheckOutcome.Skip(facts.Gap(Fact.Worker)!);
        }

        var findings = new List<Finding>();
        foreach (var target in unixTargets)
        {
            if (facts.SocketPathFor(target.Address.SocketPath!) is not { Socket: not null } sp || !IsServed(facts, target, sp))
            {
                continue;
            }

            if (SocketAccess.MissingPermission(worker, sp) is { } missing)
            {
                findings.Add(Describe(facts, target, worker, sp, missing));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static bool IsServed(DiagnosisFacts facts, UpstreamTarget target, SocketPathFacts sp)
    {
        var probe = facts.ProbeFor(target);
        if (probe?.Outcome is ProbeOutcome.Connected or ProbeOutcome.PermissionDenied or ProbeOutcome.Busy)
        {
            return true;
        }

        var path = sp.ResolvedPath ?? sp.Path;
        var listening = FactsLookups.Of(facts).ListenersAtPath;
        return listening.ContainsKey(path) || listening.ContainsKey(sp.Path);
    }

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, WorkerIdentity worker, SocketPathFacts sp, string missing)
    {
        var socket = sp.Socket!;
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Process, worker.Source, $"nginx workers run as {worker.User} (uid {worker.Uid}, gid {worker.Gid})"));
        evidence.Add(new Evidence(EvidenceKind.File, sp.Path, $"socket {socket.OwnerName}:{socket.GroupName} mode {socket.ModeOctal}; {worker.User} falls under \"{SocketAccess.ClassFor(worker, socket)}\""));
        foreach (var dir in sp.Directories.Where(d => (d.Mode & 0x1ff) != 0x1ed))
        {
            evidence.Add(new Evidence(EvidenceKind.File, dir.Path, $"directory {dir.OwnerName}:{dir.GroupName} mode {dir.ModeOctal}"));
        }

        if (facts.ProbeFor(target) is { } probe)
        {
            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", $"{probe.Describe} (as ngxdoctor's own user, not as {worker.User})"));
        }

        evidence.AddRange(LogEvidence.For(LogEvidence.ForAddress(facts, target.Address.Text, Logs.FailureKind.SocketDenied)));

        var summary = $"{worker.User} lacks {missing}. In the PHP-FPM pool that owns the socket set `listen.owner = {worker.User}`, `listen.group = {socket.GroupName}` and `listen.mode = 0660`, then reload php-fpm; or add {worker.User} to group {socket.GroupName}.";
        return new Finding(
            Cause.SocketPermission,
            Severity.Critical,
            target.Address.Text,
            $"nginx's worker user {worker.User} may not connect to {target.Address.SocketPath}",
            evidence,
            new Remedy(summary, [$"usermod -aG {socket.GroupName} {worker.User}", $"ls -l {sp.Path}"]))
        {
            Check = Cause.SocketPermission.Code(),
        };
    }
}
