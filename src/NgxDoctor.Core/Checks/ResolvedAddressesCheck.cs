using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A name that resolves to several local addresses (`localhost` to ::1 and 127.0.0.1) where the backend listens on
/// only some: nginx makes each address a server of its own and sends every few requests to the dead one, which is
/// refused (logged as connect() failed) and retried on the next; with one address left, those requests fail.
/// </summary>
public sealed class ResolvedAddressesCheck : ICheck
{
    public string Id => "resolved-addresses";

    public string Title => "Every local address an upstream name resolves to has a listener";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.WrongAddress];

    public IReadOnlyList<Fact> Needs => [Fact.Dns, Fact.Listeners];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Hostname && t.Address.Port is not null))
        {
            var lookup = facts.Dns!.FirstOrDefault(d => d.Server == DnsLookup.System && string.Equals(d.Name, target.Address.Host, StringComparison.OrdinalIgnoreCase));
            if (lookup is not { Outcome: DnsLookup.Ok, Addresses.Count: > 1 })
            {
                continue;
            }

            var port = target.Address.Port!.Value;
            var local = lookup.Addresses.Where(IsLoopback).ToList();
            var served = local.Where(a => facts.Listeners!.Any(l => l.Path is null && l.Port == port && (l.Address == a || Wildcard(l, a)))).ToList();
            var missing = local.Except(served).ToList();
            if (served.Count == 0 || missing.Count == 0)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.Dns, $"{lookup.Name} (system resolver)", $"resolves to {string.Join(", ", lookup.Addresses)}: nginx makes each a server"));
            evidence.Add(new Evidence(EvidenceKind.Process, string.Join(", ", served.Select(a => Display(a, port))), "something listens here"));
            evidence.Add(new Evidence(EvidenceKind.Process, string.Join(", ", missing.Select(a => Display(a, port))), "nothing listens here"));
            evidence.AddRange(LogEvidence.For(missing.SelectMany(a => LogEvidence.ForAddress(facts, Display(a, port), DeadTargets.DeadKinds))));
            findings.Add(new Finding(Cause.WrongAddress, Severity.Warning, target.Address.Text,
                $"{target.Address.Host} resolves to {string.Join(", ", missing)} too, where nothing listens on port {port}",
                evidence,
                new Remedy($"Use the address the backend listens on ({Display(served[0], port)}) in nginx instead of the name, or make the backend listen on {string.Join(" and ", missing)} too (e.g. [::] for both families).",
                    [$"getent ahosts {target.Address.Host}", $"ss -ltn 'sport = :{port}'"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }

    private static bool IsLoopback(string a) => a == "::1" || a.StartsWith("127.", StringComparison.Ordinal);

    // A [::] listener takes IPv4 too unless it is v6-only, which /proc does not say: count it for both.
    private static bool Wildcard(Listener l, string address) => l.Address == "::" || (l.Address == "0.0.0.0" && !address.Contains(':', StringComparison.Ordinal));

    private static string Display(string address, int port) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";
}
