using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// The TCP upstreams root's probe reached, connected to again from sockets made with nginx's worker's uid, gid and
/// groups (in nginx's network namespace): a packet filter rule that matches users or groups lets root through and
/// stops nginx, which a probe as root alone would call an outage that ended.
/// </summary>
public static class WorkerProbes
{
    /// <summary>The probes, or null (with a note) when they cannot be made: not root, workers run as root, no worker known.</summary>
    public static async Task<IReadOnlyList<ProbeResult>?> RunAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> asRoot, WorkerIdentity? worker, LocatedInstance located,
        TimeSpan timeout, List<NotCollected> notes, CancellationToken ct)
    {
        if (worker?.Uid == 0)
        {
            return []; // Root's probe is the workers' own.
        }

        if (worker is null || !FactsCollector.IsRoot)
        {
            notes.Add(new NotCollected(Fact.WorkerProbes, worker is null ? "nginx's worker user is not known" : "connecting as nginx's worker user needs root"));
            return null;
        }

        var connected = asRoot.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var reached = inventory.Targets
            .Where(t => t.Address.Kind is UpstreamAddressKind.Ip or UpstreamAddressKind.Hostname && connected.Contains(t.Address.Text))
            .ToList();
        if (reached.Count == 0)
        {
            return [];
        }

        var netns = located.From.Network.IsOwn || located.Identity?.MasterPid is not { } pid ? null : $"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ns/net";
        NetworkNamespace network;
        try
        {
            network = NetworkNamespace.AsUser(netns, located.From.Network.Inode, worker.Uid, worker.Gid, worker.Groups);
        }
        catch (IOException e)
        {
            notes.Add(new NotCollected(Fact.WorkerProbes, e.Message));
            return null;
        }

        using var from = new Vantage(network, located.From.Root);
        return await ProbeRunner.RunAsync(reached, timeout, ct, from).ConfigureAwait(false);
    }
}
