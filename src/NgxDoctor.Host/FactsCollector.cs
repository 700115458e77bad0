using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Probes;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host;

/// <summary>
/// Gathers every fact of one instance once, within a deadline, in four phases: what the host shows (processes,
/// listeners, the worker), what the logs say, what the upstreams answer (probes, DNS, requests in their protocol),
/// and last `nginx -t`, which binds every free `listen` address for a moment: run beside the listener table or the
/// probes it would show as an upstream listening on nginx's own port, or take a probe's connection.
/// </summary>
public static class FactsCollector
{
    public static async Task<Gathered> CollectAsync(LocatedInstance located, CollectOptions options, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Deadline);
        var config = located.LoadConfig();
        // Other namespaces' listeners are only read: gathered beside everything else.
        var peerScan = options.Peers ?? Task.Run(() => PeerCollector.ScanAsync(deadline.Token, options.ProcRoot));
        var host = HostPhase.Read(located, config, options);
        var now = DateTime.Now;
        var kernelNotes = new List<NotCollected>();
        var kernelEvents = Logs.KernelLogReader.ReadAsync(now - options.Since, now, kernelNotes, deadline.Token);
        var upstreams = UpstreamPhase.Start(host, located, options, deadline.Token);
        var logNotes = new List<NotCollected>();
        var logs = Logs.LogCollector.Collect(config, located, now, options.Since, logNotes, host.Processes, host.Inventory, out var phpFpm);
        // nginx -t binds nginx's free listen addresses for a moment: it starts once every connect to a new address is made
        // (the requests that follow go to addresses that accepted, which it cannot bind) and the peers' tables are read.
        async Task<(ConfigTestResult?, List<NotCollected>)> TestAsync()
        {
            await peerScan.ConfigureAwait(false);
            return await ConfigTestPhaseAsync(located, config, options, deadline.Token).ConfigureAwait(false);
        }

        Task<(ConfigTestResult?, List<NotCollected>)>? testing = null;
        var probed = await upstreams.FinishAsync(phpFpm, () => testing = TestAsync()).ConfigureAwait(false);
        testing ??= TestAsync();
        // Up to the group's keepalive_timeout (10 s at most) of an idle connection: waited beside the steps after it.
        var idle = located.From.Blind is null ? IdleCloseProbe.ForRacesAsync(host.Inventory, logs, deadline.Token, located.From) : Task.FromResult<IReadOnlyList<IdleCloseResult>>([]);
        var replays = located.From.Blind is null
            ? FastCgiReplays.ForOversizeHeadersAsync(config, host.Inventory, logs, located.Instance?.Prefix ?? located.Binary?.Prefix, options.ProbeTimeout, deadline.Token, located.From)
            : Task.FromResult<IReadOnlyList<FastCgiProbeResult>>([]);
        var scan = await peerScan.ConfigureAwait(false);
        var peers = scan.Besides(located.Identity?.Namespaces?.Net ?? ProcNamespaces.Own(options.ProcRoot).Net);
        var peerNotes = scan.Notes;
        var kernel = await kernelEvents.ConfigureAwait(false);
        var idleCloses = await idle.ConfigureAwait(false);
        var fastCgiReplays = await replays.ConfigureAwait(false);

        var manager = ServiceManagerProbe.Detect(located.From.Root.IsHost ? "/" : located.From.Root.Map("/"), host.Processes.Select(p => p.Name));
        var facts = new DiagnosisFacts
        {
            CollectedAt = new DateTimeOffset(now),
            Hostname = Environment.MachineName,
            ConfigFile = located.ConfigFile,
            Instance = located.Instance,
            Identity = located.Identity,
            Worker = host.Worker,
            Inventory = host.Inventory,
            ConfigDiagnostics = config.Diagnostics,
            Limits = Config.Limits.RequestLimits.Find(config),
            Listeners = host.Listeners,
            SocketPaths = host.SocketPaths,
            Probes = probed.Probes,
            RemoteHosts = probed.Remote,
            WorkerProbes = probed.AsWorker,
            IdleCloses = idleCloses,
            FastCgiReplays = fastCgiReplays,
            HttpProbes = probed.Http,
            Logs = Changed(logs, located),
            FastCgiProbes = probed.FastCgi,
            PhpFpm = phpFpm,
            OomKills = kernel?.OomKills,
            KernelCrashes = kernel?.Crashes,
            MacDenials = kernel?.Denials,
            Dns = probed.Dns,
            Connections = host.Connections,
            System = SystemLimits.Read(options.ProcRoot) with { ServiceManager = manager },
            Services = ServiceDiscovery.Find(host.Inventory, manager),
            Peers = peers,
        };
        // Read while nginx -t runs: neither needs its result, and nginx -t needs no socket of theirs.
        facts = facts with { Logs = Logs.GunicornLogs.Add(facts, logNotes, options.ProcRoot), SelfRoutes = Core.RequestPath.SelfRoutes.Find(config, facts) };
        var (test, testNotes) = await testing.ConfigureAwait(false);
        facts = facts with { ConfigTest = test };
        // The rules read are the host's: those of another network namespace would need its own iptables-save.
        if (located.From.Blind is { } blind)
        {
            // Nothing was asked from where nginx stands: no probe result stands for nginx's view.
            facts = facts with { Probes = null, WorkerProbes = null, HttpProbes = null, FastCgiProbes = null, Dns = null };
            kernelNotes.AddRange(new[] { Fact.Probes, Fact.Dns }.Select(f => new NotCollected(f, $"not asked from nginx's network namespace: {blind}")));
        }

        // The rules of nginx's own network namespace; a container's traffic also crosses the host's (DOCKER-USER), read with the host's instance.
        var netns = located.From.Network.IsOwn || located.Identity?.MasterPid is not { } pid ? null : $"{options.ProcRoot}/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ns/net";
        var firewall = located.From.Blind is null ? await NetworkFactsCollector.FirewallAsync(facts, deadline.Token, netns).ConfigureAwait(false) : null;
        List<NotCollected> firewallNotes = firewall?.Problem is { } why ? [new NotCollected(Fact.Firewall, why)] : [];
        return new Gathered(facts with
        {
            Firewall = firewall,
            NotCollected = [.. located.Notes, .. host.Notes, .. logNotes, .. peerNotes, .. testNotes, .. kernelNotes, .. firewallNotes, .. upstreams.WorkerNotes],
        }, config);
    }

    private static async Task<(ConfigTestResult? Test, List<NotCollected> Notes)> ConfigTestPhaseAsync(LocatedInstance located, NginxConfig config, CollectOptions options, CancellationToken ct)
    {
        var notes = new List<NotCollected>();
        if (!options.RunConfigTest)
        {
            notes.Add(new NotCollected(Fact.ConfigTest, "nginx -t not requested"));
            return (null, notes);
        }

        if (!located.From.Root.IsHost && located.PrivateMounts is null)
        {
            // Its binary would have to run as root on the host; inside its namespaces it is the runtime's job (docker exec).
            notes.Add(new NotCollected(Fact.ConfigTest, $"nginx -t not run: the binary of {located.Identity?.Where} is not run from the host (run `nginx -t` in the container)"));
            return (null, notes);
        }

        if (config.Diagnostics.FirstOrDefault(d => d.Code == ConfigDiagnostic.IncludeCycle) is { } cycle)
        {
            // It would recurse until it crashes (SIGSEGV), and a crash may leave a core file behind.
            notes.Add(new NotCollected(Fact.ConfigTest, $"nginx -t not run: nginx follows the include cycle at {cycle.Pos} until it crashes"));
            return (null, notes);
        }

        return (await ConfigTest.RunAsync(located, config, IsRoot, notes, ct).ConfigureAwait(false), notes);
    }

    /// <summary>The verified fix that stands on this instance, from fix's journal: failures before it are history.</summary>
    private static LogFacts Changed(LogFacts logs, LocatedInstance located)
    {
        return Fixes.FixState.Default().Standing(located.ConfigFile) is { } fix && fix.Created.LocalDateTime > logs.Now - logs.Since
            ? logs with { ChangedAt = fix.Created.LocalDateTime, Change = $"fix {fix.Id} ({string.Join("; ", fix.Actions.Take(2))})" }
            : logs;
    }

    /// <summary>Whether ngxdoctor runs as root (by name or by effective uid).</summary>
    public static bool IsRoot => Environment.UserName == "root" || UnixFileStatus.Of("/proc/self").Uid == 0;

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
        public static HostPhase Read(LocatedInstance located, NginxConfig config, CollectOptions options)
        {
            var notes = new List<NotCollected>();
            var inventory = InventoryBuilder.Build(config, DiagnosisService.PageSize);
            var root = located.From.Root;
            var users = UserDatabase.Load(root.Map("/etc/passwd"), root.Map("/etc/group"));
            var processes = ProcessTable.Read(options.ProcRoot);
            var worker = WorkerIdentityResolver.Of(located.Instance, inventory, users, options.ProcRoot, notes);
            var netRoot = NetRoot(located, options.ProcRoot);
            var tcp = TcpTables.Read(netRoot);
            // ngxdoctor's own sockets (the .NET runtime's diagnostics socket) are not the host's.
            List<Listener>? listeners = null;
            if (tcp.Readable)
            {
                listeners = ListenerTable.Read(processes, options.ProcRoot, tcp, netRoot)
                    .Where(l => l.Processes.Count == 0 || l.Processes.Any(p => p.Pid != Environment.ProcessId)).ToList();
            }
            else
            {
                // An empty table would read as "nothing listens": every upstream down.
                notes.Add(new NotCollected(Fact.Listeners, $"{Path.Combine(netRoot, "net/tcp")} could not be read: which sockets listen is not known"));
            }

            if (!IsRoot)
            {
                notes.Add(new NotCollected(Fact.ListenerOwners, "not root: the processes behind other users' sockets cannot be seen"));
            }

            var socketPaths = inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Unix)
                .Select(t => t.Address.SocketPath!).Distinct().Select(p => SocketPathInspector.Inspect(root.Map(p), users) with { Path = p }).ToList();
            var connections = NetworkFactsCollector.Connections(inventory, located.Instance, processes, tcp, options.ProcRoot);
            return new HostPhase(inventory, processes, listeners, worker, socketPaths, connections, notes);
        }

        /// <summary>Where the instance's network tables are read: its master's /proc/PID/net when it has a network namespace of its own.</summary>
        internal static string NetRoot(LocatedInstance located, string procRoot) =>
            located.Identity is { OwnNetwork: true, MasterPid: { } pid } ? Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) : procRoot;
    }

    /// <summary>What the upstreams answer: connects and DNS started at once, then a request in each one's protocol to those that accepted.</summary>
    private sealed class UpstreamPhase
    {
        private readonly Task<IReadOnlyList<ProbeResult>> _probes;
        private readonly Task<IReadOnlyList<DnsLookup>> _dns;
        private readonly HostPhase _host;
        private readonly LocatedInstance _located;
        private readonly CollectOptions _options;
        private readonly TimeSpan _budget;
        private readonly CancellationToken _ct;

        private UpstreamPhase(HostPhase host, LocatedInstance located, CollectOptions options, CancellationToken ct)
        {
            (_host, _located, _options, _ct) = (host, located, options, ct);
            _budget = options.ProbeTimeout < options.Deadline ? options.ProbeTimeout : options.Deadline;
            var blind = located.From.Blind is not null;
            _probes = blind ? Task.FromResult<IReadOnlyList<ProbeResult>>([]) : ProbeRunner.RunAsync(host.Inventory.Targets, _budget, ct, located.From);
            _dns = blind ? Task.FromResult<IReadOnlyList<DnsLookup>>([]) : NetworkFactsCollector.DnsAsync(host.Inventory, _budget, ct, located.From);
        }

        public static UpstreamPhase Start(HostPhase host, LocatedInstance located, CollectOptions options, CancellationToken ct) => new(host, located, options, ct);

        /// <param name="connected">Called once no probe will connect to an address it has not connected to yet.</param>
        public async Task<Probed> FinishAsync(IReadOnlyList<FpmInstance> phpFpm, Action connected)
        {
            var probed = await _probes.ConfigureAwait(false);
            var asWorker = WorkerProbes.RunAsync(_host.Inventory, probed, _host.Worker, _located, _budget, WorkerNotes, _ct);
            var http = ProtocolProbes.HttpAsync(_host.Inventory, probed, _budget, _options.HealthPath, Path.GetDirectoryName(_located.From.Root.Map(_located.ConfigFile)), _ct, _located.From);
            var fastCgi = ProtocolProbes.FastCgiAsync(_host.Inventory, probed, phpFpm, _budget, _ct, _located.From);
            var remote = RemoteHosts.AskAsync(probed, HostPhase.NetRoot(_located, _options.ProcRoot), _budget, _ct, _located.From);
            var lookups = await _dns.ConfigureAwait(false);
            var resolved = await NetworkFactsCollector.ResolvedVariableHostsAsync(_host.Inventory, lookups, _budget, _ct, _located.From).ConfigureAwait(false);
            connected();
            return new Probed([.. probed, .. resolved], await http.ConfigureAwait(false), await fastCgi.ConfigureAwait(false), lookups, await asWorker.ConfigureAwait(false))
            {
                Remote = await remote.ConfigureAwait(false),
            };
        }

        public List<NotCollected> WorkerNotes { get; } = [];
    }

    private sealed record Probed(IReadOnlyList<ProbeResult> Probes, IReadOnlyList<HttpProbeResult> Http, IReadOnlyList<FastCgiProbeResult> FastCgi, IReadOnlyList<DnsLookup> Dns, IReadOnlyList<ProbeResult>? AsWorker)
    {
        public IReadOnlyList<RemoteHost> Remote { get; init; } = [];
    }
}
