using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Firewall;
using NgxDoctor.Host.Probes;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host;

/// <summary>
/// What lies between nginx and its upstreams: their names now, connections by state, kernel limits, and (only when a
/// listening upstream did not accept nginx's connection) the packet filter's rules.
/// </summary>
public static class NetworkFactsCollector
{
    public static Task<IReadOnlyList<DnsLookup>> DnsAsync(UpstreamInventory inventory, TimeSpan timeout, CancellationToken ct, Namespaces.Vantage? from = null) =>
        DnsProbe.RunAsync(inventory, timeout, ct, from);

    /// <summary>
    /// The addresses nginx's resolver gives the names of variable passes now, probed as nginx would connect (the
    /// variable pass itself cannot be probed: its address exists only per request).
    /// </summary>
    public static Task<IReadOnlyList<ProbeResult>> ResolvedVariableHostsAsync(UpstreamInventory inventory, IReadOnlyList<DnsLookup> lookups, TimeSpan timeout, CancellationToken ct, Namespaces.Vantage? from = null) =>
        ProbeRunner.RunAsync(VariableHosts.ResolvedTargets(inventory, lookups).Select(r => r.Target), timeout, ct, from);

    public static IReadOnlyList<ConnectionCount> Connections(UpstreamInventory inventory, NginxInstance? instance, IReadOnlyList<ProcessInfo> processes, TcpTables tables, string procRoot)
    {
        var ports = inventory.Targets.Where(t => t.Address.Port is not null && t.Address.Kind != UpstreamAddressKind.Unix)
            .Select(t => t.Address.Port!.Value).ToHashSet();
        var workers = processes.Where(p => instance?.WorkerPids.Contains(p.Pid) == true).ToList();
        return ConnectionTable.Read(ports, workers, tables, procRoot);
    }

    /// <summary>The rules, when some upstream that listens (or is remote) timed out or refused nginx's connection, or refused nginx's worker user only; else null.</summary>
    /// <summary><paramref name="netns"/>: nginx's network namespace (/proc/PID/ns/net) when it is not ngxdoctor's.</summary>
    public static async Task<FirewallFacts?> FirewallAsync(DiagnosisFacts facts, CancellationToken ct, string? netns = null)
    {
        var contradicted = facts.Inventory.Targets.Any(t => facts.ProbeFor(t) is { Outcome: ProbeOutcome.TimedOut or ProbeOutcome.Refused } p
            && (TargetListeners.Find(facts, t) is not null || (p.Outcome == ProbeOutcome.TimedOut && !t.Address.IsLoopback)))
            || facts.WorkerProbes?.Any(p => p.Outcome != ProbeOutcome.Connected) == true;
        return contradicted ? await FirewallReader.ReadAsync(ct, netns).ConfigureAwait(false) : null;
    }
}
