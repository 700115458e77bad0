using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// An upstream{} with `keepalive` whose backend closes idle connections sooner than nginx stops reusing them
/// (keepalive_timeout, 60s by default): a request sent on a connection the backend is closing gets "upstream
/// prematurely closed" or a reset, 502 for a POST (never retried). Both times are named: the backend's, measured
/// on an idle connection, and nginx's, from the group.
/// </summary>
public sealed class KeepaliveRaceCheck : ICheck
{
    /// <summary>Its id, as findings carry it and fixers select by it.</summary>
    public const string CheckId = "keepalive-race";

    public string Id => CheckId;

    public string Title => "Backends keep idle connections open longer than nginx reuses them";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.UpstreamCrash];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var measured in facts.IdleCloses.Where(m => m.ClosedAfterMs is not null))
        {
            if (facts.Inventory.Targets.FirstOrDefault(t => t.Address.Text == measured.Target && t.Group is not null) is not { } target
                || facts.Inventory.Groups.FirstOrDefault(g => g.Name == target.Group) is not { Keepalive: > 0 } group
                || !ConfigValues.TryParseTime(group.KeepaliveTimeout.Value, out var nginxIdle)
                || measured.ClosedAfterMs!.Value >= nginxIdle.TotalMilliseconds)
            {
                continue;
            }

            findings.Add(Describe(facts, target, group, measured, nginxIdle));
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>The keepalive_timeout that stays below the backend's idle close: a second under it, at least 1s.</summary>
    public static int SafeSeconds(double backendMs) => Math.Max(1, (int)Math.Floor(backendMs / 1000) - 1);

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, UpstreamGroup group, IdleCloseResult measured, TimeSpan nginxIdle)
    {
        var backend = measured.ClosedAfterMs!.Value / 1000;
        var incidents = LogEvidence.ForAddress(facts, target.Address.Text, [Logs.FailureKind.PrematureClose]);
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Config, group.KeepalivePos?.ToString() ?? group.Pos.ToString(), $"keepalive {group.Keepalive} (upstream {group.Name}): nginx reuses idle connections"));
        evidence.Add(new Evidence(EvidenceKind.Config, group.KeepaliveTimeout.Pos?.ToString() ?? "default",
            $"keepalive_timeout {group.KeepaliveTimeout.Value}{(group.KeepaliveTimeout.IsDefault ? " (nginx's default)" : "")}: nginx keeps them {nginxIdle.TotalSeconds:0.#} s"));
        evidence.Add(new Evidence(EvidenceKind.Probe, $"idle keep-alive {target.Address.Text}", measured.Detail));
        evidence.AddRange(LogEvidence.For(incidents));
        var current = incidents.Count > 0 && !LogEvidence.HasStopped(facts.Logs!, incidents);
        var safe = SafeSeconds(measured.ClosedAfterMs.Value);
        return new Finding(Cause.UpstreamCrash, current ? Severity.Critical : Severity.Warning, target.Address.Text,
            $"{target.Address.Text} closes idle connections after {backend:0.0} s, nginx reuses them for {nginxIdle.TotalSeconds:0.#} s (upstream {group.Name}): requests race the close",
            evidence,
            new Remedy($"In upstream {group.Name} ({group.Pos}), set `keepalive_timeout {safe}s;` (below the backend's {backend:0.0} s), or raise the backend's own keep-alive timeout above {nginxIdle.TotalSeconds:0.#} s (Node: server.keepAliveTimeout; gunicorn: --keep-alive). A POST that meets the close is not retried: 502.",
                ["nginx -t", "nginx -s reload"]))
        {
            Check = "keepalive-race",
        };
    }
}
