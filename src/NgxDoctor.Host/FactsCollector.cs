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
/// Gathers every fact of one instance once, within a deadline: first the kernel's socket tables and the processes
/// (before a probe of ngxdoctor's own could show in them), then the upstreams' probes (connects and DNS, then a
/// request in each one's protocol and a connect as nginx's worker), while the rest of the host (listeners' owners,
/// the worker, socket files) and the logs are read beside them; last `nginx -t`, which binds every free `listen`
/// address for a moment: run beside the listener table or the probes it would show as an upstream listening on
/// nginx's own port, or take a probe's connection.
/// </summary>
public static partial class FactsCollector
{
    public static async Task<Gathered> CollectAsync(LocatedInstance located, CollectOptions options, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Deadline);
        var config = located.LoadConfig();
        var inventory = InventoryBuilder.Build(config, DiagnosisService.PageSize);
        // The sockets and the processes as they are before any probe (a probe's connection would be counted among
        // nginx's and wait in an upstream's accept queue; PHP-FPM forks a child for it), then the probes, and the rest
        // of the host (the listeners' owners, the worker, socket files) read beside them.
        var sockets = SocketSnapshot.Read(options.ProcRoot, HostPhase.NetRoot(located, options.ProcRoot));
        var processes = ProcessTable.Read(options.ProcRoot);
        var upstreams = UpstreamPhase.Start(inventory, located, options, deadline.Token);
        // Other namespaces' listeners are only read: gathered beside everything else.
        var net = located.Identity?.Namespaces?.Net ?? ProcNamespaces.Own(options.ProcRoot).Net;
        var peerScan = options.Peers ?? Task.Run(() => PeerCollector.ScanAsync(deadline.Token, options.ProcRoot, processes, net is { } n ? (n, sockets.Tables) : null));
        var host = HostPhase.Read(located, inventory, sockets, processes, options);
        upstreams.Follow(host.Worker);
        var now = DateTime.Now;
        var kernelNotes = new List<NotCollected>();
        var kernelEvents = Logs.KernelLogReader.ReadAsync(now - options.Since, now, kernelNotes, deadline.Token);
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
        var peers = scan.Besides(net);
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
}

