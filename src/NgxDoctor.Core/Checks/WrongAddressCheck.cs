using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>Nothing at the configured address, but a running backend listens at another address or socket.</summary>
public sealed class WrongAddressCheck : ICheck
{
    public string Id => Cause.WrongAddress.Code();

    public string Title => "nginx points at the address where its backend listens";

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
            evidence.Add(new Evidence(EvidenceKind.Process, c.Listener.Display, $"{c.Owner ?? c.Listener.Owner} listens on {c.Listener.Display} ({c.Reason})"));
        }

        var newAddress = best.Listener.Path is not null ? "unix:" + best.Listener.Path : Connectable(best.Listener, t);
        var oldText = t.ConfigText;
        var newText = oldText.Replace(t.Address.Text, newAddress, StringComparison.Ordinal);
        if (newText == oldText && t.Address.SocketPath is { } oldPath)
        {
            newText = oldText.Replace(oldPath, best.Listener.Path ?? newAddress, StringComparison.Ordinal);
        }

        var summary = candidates.Count == 1
            ? $"At {t.ConfigPos}, change `{oldText}` to `{newText}`, then `nginx -t && nginx -s reload`. Or make the backend listen on {t.Address.Text}."
            : $"{candidates.Count} running backends could be the one meant; the likeliest is {best.Listener.Display}. At {t.ConfigPos}, change `{oldText}` to `{newText}` if that is it, then `nginx -t && nginx -s reload`.";
        var title = $"Nothing listens on {DeadTargets.Name(t)}, but {best.Owner ?? best.Listener.Owner} listens on {best.Listener.Display}";
        return new Finding(Cause.WrongAddress, dead.Severity, t.Address.Text, title, evidence, new Remedy(summary, ["nginx -t", "nginx -s reload"]))
        {
            Check = Cause.WrongAddress.Code(),
        };
    }

    /// <summary>A wildcard listener is reached on the host nginx already names (loopback stays loopback), as the fixer writes it.</summary>
    private static string Connectable(Listener l, Config.Upstreams.UpstreamTarget t) =>
        l.IsWildcard ? $"{(t.Address.IsLoopback || t.Address.Host is "0.0.0.0" or "::" or null ? "127.0.0.1" : t.Address.Host)}:{l.Port}" : l.Display;
}
