using System.Net;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// nginx resolves a literal upstream name once, at start-up. When the addresses its workers connect to (the
/// `upstream:` of its error-log lines, their established connections) are no longer among the addresses the name
/// resolves to now, nginx is talking to where the backend used to be.
/// </summary>
public sealed class DnsStaleCheck : ICheck
{
    public string Id => Cause.DnsStale;

    public string Title => "nginx uses the addresses its upstream names resolve to now";

    public IReadOnlyList<string> Needs => [nameof(DiagnosisFacts.Inventory), nameof(DiagnosisFacts.Dns), nameof(DiagnosisFacts.Logs), nameof(DiagnosisFacts.Connections)];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Dns is null)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected("dns") ?? "names were not looked up");
        }

        var literal = facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Ip).Select(t => t.Address.Text).ToHashSet(StringComparer.Ordinal);
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Hostname && t.Address.Port is not null))
        {
            var lookup = facts.Dns.FirstOrDefault(d => d.Server == DnsLookup.System && string.Equals(d.Name, target.Address.Host, StringComparison.OrdinalIgnoreCase));
            if (lookup is not { Outcome: DnsLookup.Ok })
            {
                continue;
            }

            bool Stale(string? peer) => peer is not null && !literal.Contains(peer) && Split(peer) is { } p && p.Port == target.Address.Port
                && !lookup.Addresses.Contains(p.Address, StringComparer.OrdinalIgnoreCase);
            var logged = facts.Logs?.Incidents.Where(i => Stale(i.Upstream)).ToList() ?? [];
            var held = facts.Connections?.Where(c => c.HeldByNginx > 0 && Stale(c.Remote)).ToList() ?? [];
            if (logged.Count == 0 && held.Count == 0)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence("dns", $"{lookup.Name} (system resolver)", $"resolves now to {string.Join(", ", lookup.Addresses)} ({lookup.ElapsedMs:0.0} ms)"));
            evidence.AddRange(held.Select(c => new Evidence("connection", c.Remote, $"nginx's workers hold {c.HeldByNginx} connection(s) to this old address")));
            evidence.AddRange(LogEvidence.For(logged));
            var stale = held.Select(c => c.Remote).Concat(logged.Select(i => i.Upstream!)).Distinct().ToList();
            var failing = facts.Logs is { } logs && logged.Count > 0 && !LogEvidence.HasStopped(logs, logged);
            findings.Add(new Finding(Cause.DnsStale, failing ? Severity.Critical : Severity.Warning, target.Address.Text,
                $"nginx still sends {target.Address.Text} requests to {string.Join(", ", stale)}; {target.Address.Host} resolves to {string.Join(", ", lookup.Addresses)} now",
                evidence,
                new Remedy($"nginx resolved {target.Address.Host} when it started and keeps that address. Reload it to resolve again (nginx -t && nginx -s reload); to follow DNS changes from now on, use `resolver` with a variable in proxy_pass (or `server {target.Address.Host} resolve;` in an upstream{{}} with a zone, nginx 1.27.3+).",
                    ["nginx -t", "nginx -s reload", $"getent ahosts {target.Address.Host}"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }

    private static (string Address, int Port)? Split(string peer)
    {
        var colon = peer.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(peer[(colon + 1)..], out var port))
        {
            return null;
        }

        var address = peer[..colon].Trim('[', ']');
        return IPAddress.TryParse(address, out _) ? (address, port) : null;
    }
}
