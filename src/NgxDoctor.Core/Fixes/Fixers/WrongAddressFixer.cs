using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes.Fixers;

/// <summary>wrong-address: point the `server` line or the pass directive at the one backend found listening elsewhere; only when exactly one candidate has the strongest evidence found.</summary>
public sealed class WrongAddressFixer : IFixer
{
    public Cause Cause => Diagnosis.Cause.WrongAddress;

    public FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config)
    {
        if (FixContext.Target(facts, finding) is not { } target || target.Sites.Count == 0)
        {
            return FixAction.None(finding, "the upstream is not in the configuration");
        }

        var found = BackendCandidates.Find(facts, target);
        var strongest = BackendCandidates.Strongest(found);
        if (strongest.Count != 1)
        {
            return FixAction.None(finding, found is [{ Basis: CandidateBasis.HiddenSocket }, ..] ? "the socket is in the backend's own mount namespace: move it out of the private directory by hand"
                : strongest.Count == 0 ? "no running backend was found" : $"{strongest.Count} backends could be the one on the same evidence: choose by hand");
        }

        if (WhyNotRepointed(strongest[0]) is { } notHere)
        {
            return FixAction.None(finding, notHere);
        }

        var owner = strongest[0].Who;
        var to = BackendCandidates.AddressFor(strongest[0], target);
        var edits = new List<PlannedEdit>();
        if (target.Server is { } server)
        {
            var args = FixContext.At(config, server.Pos)?.Args.Skip(1).Select(a => a.Raw) ?? [];
            edits.Add(new PlannedEdit(PlannedEdit.Set, server.Pos, "server", string.Join(' ', args.Prepend(to)), $"{owner} listens on {to}"));
        }
        else
        {
            foreach (var site in target.Sites.Where(s => s.Argument.Contains(target.Address.Text, StringComparison.Ordinal)))
            {
                edits.Add(new PlannedEdit(PlannedEdit.Set, site.Pos, site.Directive, site.Argument.Replace(target.Address.Text, to, StringComparison.Ordinal), $"{owner} listens on {to}"));
            }
        }

        return edits.Count == 0
            ? FixAction.None(finding, "the address is built from variables")
            : new FixAction(FindingRelations.Key(finding), finding.Cause, finding.Upstream, $"point nginx at {to} instead of {target.Address.Text}", edits, [], FixContext.Verify(finding, target.Sites[0])) { ReloadNginx = true };
    }

    /// <summary>
    /// Any user may listen on a free port or bind a socket path: nginx's traffic (cookies, credentials) is sent only to a
    /// listener whose owner is seen and is root or a service account, never to a login user's process (uid 1000 and up).
    /// </summary>
    private static string? WhyNotRepointed(Candidate c)
    {
        if (c.Basis == CandidateBasis.ServiceName)
        {
            return null; // a container the engine runs
        }

        if (c.Listener.Processes.Count == 0)
        {
            return $"who listens on {c.Listener.Display} is not known (run as root to see): repoint by hand once you know it is the backend";
        }

        return c.Listener.Processes.FirstOrDefault(p => p.Uid is >= 1000 and < 65534) is { } user
            ? $"{user.Name} (pid {user.Pid}) on {c.Listener.Display} runs as uid {user.Uid}, a login user's account: repoint by hand if it is the backend"
            : null;
    }
}
