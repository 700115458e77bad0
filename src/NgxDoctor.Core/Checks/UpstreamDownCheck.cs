using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>Nothing accepts connections at a configured address, and no running backend is found elsewhere.</summary>
public sealed class UpstreamDownCheck : ICheck
{
    public string Id => Cause.UpstreamDown.Code();

    public string Title => "Something accepts connections at every upstream address";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.UpstreamDown];

    public IReadOnlyList<Fact> Needs => [Fact.Probes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = DeadTargets.Find(facts)
            .Where(d => BackendCandidates.Find(facts, d.Target).Count == 0)
            .Select(d => Describe(facts, d))
            .ToList();
        findings.AddRange(EndedOutages(facts));

        // Where a variable pass leads comes from DNS: a backend listening elsewhere is no reason to repoint the pass.
        foreach (var (target, host) in VariableHosts.ResolvedTargets(facts))
        {
            findings.AddRange(DeadTargets.Find(facts, [target]).Select(d => Describe(facts, d) with
            {
                Title = $"Nothing is listening on {target.Address.Text}, where nginx's resolver sends {host} now",
                Evidence = [.. d.Evidence, .. VariableHosts.ResolverAnswers(facts.Dns!, host).Select(VariableHosts.AnswerEvidence)],
                Remedy = new Remedy($"Start the backend that should listen on {target.Address.Text}, or correct the DNS record of {host} that nginx's resolver answers with.",
                    [$"ss -ltnp 'sport = :{target.Address.Port}'", VariableHosts.Dig(target.Sites[0].Resolver!.Value, host)]),
            }));
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>The error log says connections were refused, but the address accepts them now: an outage that has ended.</summary>
    private static IEnumerable<Finding> EndedOutages(DiagnosisFacts facts)
    {
        foreach (var target in facts.Inventory.Targets)
        {
            var incidents = LogEvidence.ForAddress(facts, target.Address.Text, DeadTargets.DeadKinds);
            // Refused for nginx's worker and not for root is a rule that matches users (worker-filter), not an ended outage.
            if (incidents.Count == 0 || facts.ProbeFor(target) is not { Outcome: ProbeOutcome.Connected } probe || WorkerFilterCheck.Blocked(facts, target).Worker is not null)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.AddRange(LogEvidence.For(incidents));
            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
            if (BackendRestarts.Evidence(facts, target, incidents) is { } restarted)
            {
                evidence.Add(restarted);
            }

            var from = LogEvidence.Time(incidents.Min(i => i.FirstSeen));
            var to = LogEvidence.Time(incidents.Max(i => i.LastSeen));
            yield return new Finding(Cause.UpstreamDown, Severity.Warning, target.Address.Text,
                $"{DeadTargets.Name(target)} refused {incidents.Sum(i => i.Count)} connection(s) from {from} to {to}; it accepts connections now",
                evidence,
                new Remedy("The backend was down or restarting then. Look in its own log and the service manager for why it stopped (crash, OOM kill, deploy); if it flaps, fix the cause and consider a restart policy.", ["journalctl --since '" + from + "' | tail -50"]))
            {
                Check = Cause.UpstreamDown.Code(),
            };
        }
    }

    /// <summary>The message of the refusal's most telling line: the ALERT that names the setting, else the last error, without its timestamp.</summary>
    private static string Last(IReadOnlyList<LogQuote> refusal)
    {
        var line = (refusal.FirstOrDefault(q => q.Text.Contains("] ALERT: ", StringComparison.Ordinal)) ?? refusal[^1]).Text;
        var at = line.IndexOf("] ", StringComparison.Ordinal);
        return at >= 0 ? line[(at + 2)..] : line;
    }

    private static Finding Describe(DiagnosisFacts facts, DeadTarget dead)
    {
        var t = dead.Target;
        var near = BackendCandidates.PortLeads(facts, t);
        var leads = near.Select(l => new Evidence(EvidenceKind.Process, $"listener {l.Display}",
            $"a lead, not proof: {l.Owner} listens on {l.Display}, one port off, and no upstream of nginx uses it; if it is this backend, point {t.Sites[0].Directive} at {l.Display}")).ToList();
        var title = dead.Probe.Outcome switch
        {
            ProbeOutcome.NotFound => $"Socket {t.Address.SocketPath} does not exist (upstream {DeadTargets.Name(t)})",
            ProbeOutcome.Refused when t.Address.Kind == UpstreamAddressKind.Unix => $"Stale socket {t.Address.SocketPath}: nothing listens on it (upstream {DeadTargets.Name(t)})",
            _ => $"Nothing is listening on {DeadTargets.Name(t)}",
        };
        var manager = facts.System?.ServiceManager ?? ServiceManager.Unknown;
        var failed = manager switch
        {
            ServiceManager.Systemd => "systemctl list-units --failed",
            ServiceManager.SysVinit => "service --status-all",
            ServiceManager.OpenRc => "rc-status --crashed",
            _ => null,
        };
        var commands = (t.Address.Kind == UpstreamAddressKind.Unix
            ? new[] { $"ss -lxp | grep -F '{t.Address.SocketPath}'", failed }
            : new[] { $"ss -ltnp 'sport = :{t.Address.Port}'", failed }).OfType<string>().ToArray();
        var service = facts.Services.FirstOrDefault(s => s.Address == t.Address.Text);
        var summary = service is not null
            ? $"Start {service.Unit} ({service.Source}): `{service.StartCommand}`, then check it created {(t.Address.Kind == UpstreamAddressKind.Unix ? "the socket" : "the listener")}."
            : t.Address.Kind == UpstreamAddressKind.Unix
            ? $"Start the backend that should listen on {t.Address.Text} (for PHP-FPM: its service, e.g. {ServiceCommands.Example(manager, "php8.2-fpm")}), then check it created the socket."
            : $"Start the backend that should listen on {t.Address.Text}, or point nginx at the address where it runs.";
        var refusal = service?.Refusal ?? [];
        if (refusal.Count > 0)
        {
            // It was started and refused its configuration: starting it again changes nothing until that is mended.
            title = $"{service!.Unit} is not running: it refuses its configuration ({Last(refusal)})";
            summary = $"Mend what {service.Unit} says in its log ({refusal[0].Source}): {Last(refusal)}; then test the configuration (php-fpm -t) and start it: `{service.StartCommand}`.";
        }

        summary += near.Count == 1 ? $" One port off, {near[0].Owner} listens on {near[0].Display}: check whether it is the backend meant." : "";
        var said = refusal.Select(q => new Evidence(EvidenceKind.Log, q.Source, q.Text));
        return new Finding(Cause.UpstreamDown, dead.Severity, t.Address.Text, title, [.. dead.Evidence, .. said, .. leads], new Remedy(summary, commands))
        {
            Check = Cause.UpstreamDown.Code(),
        };
    }
}
