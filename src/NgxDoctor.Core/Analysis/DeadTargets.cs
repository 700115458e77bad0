using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>An upstream address where nothing accepts connections, with the evidence that says so.</summary>
public sealed record DeadTarget(UpstreamTarget Target, ProbeResult Probe, Severity Severity, IReadOnlyList<Evidence> Evidence);

/// <summary>
/// Upstream addresses that refuse connections or whose socket file is missing or stale. Shared by
/// upstream-down and wrong-address, which differ only in whether a running backend is found elsewhere.
/// </summary>
public static class DeadTargets
{
    /// <summary>Error-log kinds that say nothing accepted the connection.</summary>
    public static readonly Logs.FailureKind[] DeadKinds = [Logs.FailureKind.ConnectRefused, Logs.FailureKind.SocketMissing, Logs.FailureKind.Unreachable];

    public static IReadOnlyList<DeadTarget> Find(DiagnosisFacts facts) => Find(facts, facts.Inventory.Targets);

    public static IReadOnlyList<DeadTarget> Find(DiagnosisFacts facts, IEnumerable<UpstreamTarget> targets)
    {
        var result = new List<DeadTarget>();
        foreach (var target in targets)
        {
            // Refused while a listener is there is a packet filter's reject (the firewall check), not a dead backend.
            if (target.Server?.IsDown == true || facts.ProbeFor(target) is not { } probe || !IsDead(probe)
                || (probe.Outcome == ProbeOutcome.Refused && target.Address.Kind != UpstreamAddressKind.Unix && TargetListeners.Find(facts, target) is not null))
            {
                continue;
            }

            result.Add(new DeadTarget(target, probe, SeverityFor(facts, target), EvidenceFor(facts, target, probe)));
        }

        return result;
    }

    public static bool IsDead(ProbeResult probe) => probe.Outcome is ProbeOutcome.Refused or ProbeOutcome.NotFound or ProbeOutcome.NotASocket;

    /// <summary>Critical when requests fail now: no other server of its group accepts connections.</summary>
    private static Severity SeverityFor(DiagnosisFacts facts, UpstreamTarget target)
    {
        if (target.Group is null)
        {
            return Severity.Critical;
        }

        var siblings = FactsLookups.Of(facts).TargetsOfGroup(target.Group).Where(t => t != target && t.Server?.IsDown != true);
        return siblings.Any(t => facts.ProbeFor(t)?.Outcome == ProbeOutcome.Connected) ? Severity.Warning : Severity.Critical;
    }

    public static List<Evidence> EvidenceFor(DiagnosisFacts facts, UpstreamTarget target, ProbeResult probe)
    {
        var evidence = ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
        if (target.Address.SocketPath is { } path && facts.SocketPathFor(path) is { } sp)
        {
            evidence.Add(sp.Socket is { } s
                ? new Evidence(EvidenceKind.File, path, $"{s.Kind} exists ({s.OwnerName}:{s.GroupName}, mode {s.ModeOctal}) but no process listens on it: a stale socket left by a backend that died")
                : new Evidence(EvidenceKind.File, path, sp.Problem ?? "no such file"));
        }

        evidence.AddRange(LogEvidence.For(LogEvidence.ForAddress(facts, target.Address.Text, DeadKinds)));
        return evidence;
    }

    /// <summary>The group's server line (if any) and the directives that pass requests to this address.</summary>
    public static List<Evidence> ConfigEvidence(UpstreamTarget target)
    {
        var evidence = new List<Evidence>();
        if (target.Server is { } server)
        {
            evidence.Add(new Evidence(EvidenceKind.Config, server.Pos.ToString(), $"{server.Text} (upstream {target.Group})"));
        }

        foreach (var site in target.Sites.Take(3))
        {
            var where = site.Location is null ? "" : $" (location {site.Location})";
            evidence.Add(new Evidence(EvidenceKind.Config, site.Pos.ToString(), site.Text + where));
        }

        if (target.Sites.Count > 3)
        {
            evidence.Add(new Evidence(EvidenceKind.Config, target.Sites[3].Pos.ToString(), $"... and {target.Sites.Count - 3} more places pass requests here"));
        }

        return evidence;
    }

    public static string Name(UpstreamTarget target) => target.Group is null ? target.Address.Text : $"{target.Address.Text} (upstream {target.Group})";
}
