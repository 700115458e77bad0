using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host;

public static partial class FactsCollector
{
    /// <summary>What the host shows of the instance: processes, the listener table, the worker's identity, socket files, connections.</summary>
    private sealed record HostPhase(
        UpstreamInventory Inventory,
        IReadOnlyList<ProcessInfo> Processes,
        IReadOnlyList<Listener>? Listeners,
        WorkerIdentity? Worker,
        IReadOnlyList<SocketPathFacts> SocketPaths,
        IReadOnlyList<ConnectionCount> Connections,
        IReadOnlyList<NotCollected> Notes)
    {
        public static HostPhase Read(LocatedInstance located, UpstreamInventory inventory, SocketSnapshot sockets, IReadOnlyList<ProcessInfo> processes, CollectOptions options)
        {
            var notes = new List<NotCollected>();
            var root = located.From.Root;
            var users = UserDatabase.Load(root.Map("/etc/passwd"), root.Map("/etc/group"));
            var worker = WorkerIdentityResolver.Of(located.Instance, inventory, users, options.ProcRoot, notes);
            var listeners = sockets.Listeners(processes, options.ProcRoot);
            if (listeners is null)
            {
                // An empty table would read as "nothing listens": every upstream down.
                notes.Add(new NotCollected(Fact.Listeners, $"{Path.Combine(NetRoot(located, options.ProcRoot), "net/tcp")} could not be read: which sockets listen is not known"));
            }

            if (!IsRoot)
            {
                notes.Add(new NotCollected(Fact.ListenerOwners, "not root: the processes behind other users' sockets cannot be seen"));
            }

            var socketPaths = inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Unix)
                .Select(t => t.Address.SocketPath!).Distinct().Select(p => SocketPathInspector.Inspect(root.Map(p), users) with { Path = p }).ToList();
            var connections = NetworkFactsCollector.Connections(inventory, located.Instance, processes, sockets.Tables, options.ProcRoot);
            return new HostPhase(inventory, processes, listeners, worker, socketPaths, connections, notes);
        }

        /// <summary>Where the instance's network tables are read: its master's /proc/PID/net when it has a network namespace of its own.</summary>
        internal static string NetRoot(LocatedInstance located, string procRoot) =>
            located.Identity is { OwnNetwork: true, MasterPid: { } pid } ? Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) : procRoot;
    }
}
