using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// upstream-down: start the backend's service when the host says which it is (an installed PHP-FPM whose pool listens
/// on the address, with its systemd unit). Otherwise no fix: ngxdoctor never guesses a command line.
/// </summary>
public sealed class UpstreamDownFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.UpstreamDown;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (finding.Severity != Severity.Critical)
        {
            return FixAction.None(finding, "the outage is over or another server of the group answers: nothing to start");
        }

        if (facts.Services.FirstOrDefault(s => s.Address == finding.Upstream) is not { } service)
        {
            return FixAction.None(finding, $"the service that should listen on {finding.Upstream} is not known here: start the backend by hand (ngxdoctor does not guess a command line)");
        }

        if (service.Refusal.Count > 0)
        {
            return FixAction.None(finding, $"{service.Unit} refuses its configuration ({service.Refusal[^1].Source}): starting it again would fail the same way; mend what its log says first");
        }

        if (ServiceCommands.Argv(service.Manager, "start", service.Unit) is null)
        {
            return FixAction.None(finding, $"{service.Unit} is not started by a service manager ngxdoctor can drive here ({service.Manager}): {service.StartCommand}");
        }

        var target = FixContext.Target(facts, finding);
        return new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"start {service.Unit} ({service.Source})", [], [service.StartCommand],
            target is { Sites.Count: > 0 } ? FixContext.Verify(finding, target.Sites[0]) : null)
        {
            StartUnit = ServiceCommands.Ref(service.Manager, service.Unit),
        };
    }
}
