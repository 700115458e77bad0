using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>Nothing accepts connections at a configured address, and no running backend is found elsewhere.</summary>
public sealed class UpstreamDownCheck : ICheck
{
    public string Id => Cause.UpstreamDown;

    public string Title => "Something accepts connections at every upstream address";

    public IReadOnlyList<string> Needs => [nameof(DiagnosisFacts.Inventory), nameof(DiagnosisFacts.Probes), nameof(DiagnosisFacts.Listeners)];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Probes is null)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected("probes") ?? "upstreams were not probed");
        }

        return CheckOutcome.Ran(DeadTargets.Find(facts)
            .Where(d => BackendCandidates.Find(facts, d.Target).Count == 0)
            .Select(d => Describe(d)));
    }

    private static Finding Describe(DeadTarget dead)
    {
        var t = dead.Target;
        var title = dead.Probe.Outcome switch
        {
            ProbeOutcome.NotFound => $"Socket {t.Address.SocketPath} does not exist (upstream {DeadTargets.Name(t)})",
            ProbeOutcome.Refused when t.Address.Kind == UpstreamAddressKind.Unix => $"Stale socket {t.Address.SocketPath}: nothing listens on it (upstream {DeadTargets.Name(t)})",
            _ => $"Nothing is listening on {DeadTargets.Name(t)}",
        };
        var commands = t.Address.Kind == UpstreamAddressKind.Unix
            ? new[] { $"ss -lxp | grep -F '{t.Address.SocketPath}'", "systemctl list-units --failed" }
            : new[] { $"ss -ltnp 'sport = :{t.Address.Port}'", "systemctl list-units --failed" };
        var summary = t.Address.Kind == UpstreamAddressKind.Unix
            ? $"Start the backend that should listen on {t.Address.Text} (for PHP-FPM: its service, e.g. systemctl start php8.2-fpm), then check it created the socket."
            : $"Start the backend that should listen on {t.Address.Text}, or point nginx at the address where it runs.";
        return new Finding(Cause.UpstreamDown, dead.Severity, t.Address.Text, title, dead.Evidence, new Remedy(summary, commands))
        {
            Check = Cause.UpstreamDown,
        };
    }
}
