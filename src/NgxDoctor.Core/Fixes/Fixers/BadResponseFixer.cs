using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>
/// bad-response from a TLS backend that needs SNI: `proxy_ssl_server_name on` and `proxy_ssl_name` with the name the
/// probe's second handshake succeeded with, in the location. Any other bad response is the backend's or a person's to fix.
/// </summary>
public sealed class BadResponseFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.BadResponse;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (FixContext.Target(facts, finding) is not { } target || target.Sites[0].Directive != "proxy_pass"
            || facts.HttpProbes?.FirstOrDefault(p => p.Target == target.Address.Text)?.SniNeeded is not { } name)
        {
            return FixAction.None(finding, "only a backend that needs SNI has a configuration fix; what else it answers is fixed at the backend or by hand");
        }

        var site = target.Sites[0];
        var why = $"the backend's handshake needs SNI; with {name} it succeeds";
        var edits = new[]
        {
            FixContext.SetInLocation(config, site, "proxy_ssl_server_name", "on", why),
            FixContext.SetInLocation(config, site, "proxy_ssl_name", name, why),
        };
        return edits.Contains(null)
            ? FixAction.None(finding, "the site is not inside a location block")
            : new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"send SNI {name}: proxy_ssl_server_name on, proxy_ssl_name {name} in location {site.Location}",
                edits.OfType<PlannedEdit>().ToList(), [], FixContext.Verify(finding, site)) { ReloadNginx = true };
    }
}
