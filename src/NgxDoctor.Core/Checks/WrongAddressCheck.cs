using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>Nothing at the configured address, but evidence ties a running backend at another address or socket to it.</summary>
public sealed class WrongAddressCheck : ICheck
{
    public string Id => Cause.WrongAddress.Code();

    public string Title => "nginx points at the address where its backend listens";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.WrongAddress];

    public IReadOnlyList<Fact> Needs => [Fact.Listeners, Fact.Probes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var dead in DeadTargets.Find(facts))
        {
            var candidates = BackendCandidates.Find(facts, dead.Target);
            if (candidates.Count > 0)
            {
                findings.Add(Describe(dead, candidates));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static Finding Describe(DeadTarget dead, IReadOnlyList<Candidate> candidates)
    {
        var t = dead.Target;
        var best = candidates[0];
        var evidence = new List<Evidence>(dead.Evidence);
        foreach (var c in candidates.Take(3))
        {
            evidence.Add(new Evidence(EvidenceKind.Process, c.Listener.Display, $"{c.Who} listens on {c.Listener.Display}: {c.Reason}"));
        }

        var newAddress = BackendCandidates.AddressFor(best, t);
        var oldText = t.ConfigText;
        var newText = oldText.Replace(t.Address.Text, newAddress, StringComparison.Ordinal);
        if (newText == oldText && t.Address.SocketPath is { } oldPath)
        {
            newText = oldText.Replace(oldPath, best.Listener.Path ?? newAddress, StringComparison.Ordinal);
        }

        if (best.Basis == CandidateBasis.HiddenSocket)
        {
            return Hidden(dead, best, evidence);
        }

        var strongest = BackendCandidates.Strongest(candidates).Count;
        var summary = strongest == 1
            ? $"At {t.ConfigPos}, change `{oldText}` to `{newText}`, then `nginx -t && nginx -s reload`. Or make the backend listen on {t.Address.Text}."
            : $"{strongest} running backends could be the one meant, on the same evidence ({best.Reason}); choose one. For {best.Listener.Display}: at {t.ConfigPos}, change `{oldText}` to `{newText}`, then `nginx -t && nginx -s reload`.";
        var title = $"Nothing listens on {DeadTargets.Name(t)}, but {best.Who} listens on {best.Listener.Display}";
        return new Finding(Cause.WrongAddress, dead.Severity, t.Address.Text, title, evidence, new Remedy(summary, ["nginx -t", "nginx -s reload"]))
        {
            Check = Cause.WrongAddress.Code(),
        };
    }

    private static Finding Hidden(DeadTarget dead, Candidate c, List<Evidence> evidence)
    {
        var path = dead.Target.Address.SocketPath!;
        var dir = Path.GetDirectoryName(path) ?? "/";
        return new Finding(Cause.WrongAddress, dead.Severity, dead.Target.Address.Text,
            $"{c.Who} listens on {path}, but in another mount namespace: nginx's has no such file (upstream {DeadTargets.Name(dead.Target)})",
            evidence,
            new Remedy($"The backend's socket is in a private {dir} (systemd PrivateTmp=yes, or its container): put the socket where both see the same directory (for a systemd service, RuntimeDirectory=NAME and /run/NAME/{Path.GetFileName(path)}), point nginx there, restart the backend, then `nginx -t && nginx -s reload`.",
                ["systemctl show -p PrivateTmp,RuntimeDirectory SERVICE", $"ss -xlp | grep -F '{path}'"]))
        {
            Check = Cause.WrongAddress.Code(),
        };
    }
}
