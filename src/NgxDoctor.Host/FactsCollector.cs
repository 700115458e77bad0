using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Probes;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host;

/// <summary>Gathers every fact once, within a deadline: the instance, its configuration, listeners, sockets, probes, `nginx -t`.</summary>
public static class FactsCollector
{
    public static async Task<(DiagnosisFacts Facts, NginxConfig Config)> CollectAsync(CollectOptions options, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Deadline);
        var notes = new List<NotCollected>();
        var isRoot = IsRoot;

        var processes = ProcessTable.Read(options.ProcRoot);
        var masters = NginxProcesses.Find(processes, options.ProcRoot);
        var located = await InstanceLocator.LocateAsync(options.ConfigFile, masters, deadline.Token).ConfigureAwait(false);
        notes.AddRange(located.Notes);

        var config = ConfigLoader.LoadFile(located.ConfigFile);
        var inventory = InventoryBuilder.Build(config);
        var users = UserDatabase.Load();

        // Tasks that run beside this thread keep their own notes, merged once they are done.
        var testNotes = new List<NotCollected>();
        var kernelNotes = new List<NotCollected>();
        var probeBudget = Min(options.ProbeTimeout, options.Deadline);
        var probes = ProbeRunner.RunAsync(inventory.Targets, probeBudget, deadline.Token);
        var dns = NetworkFactsCollector.DnsAsync(inventory, probeBudget, deadline.Token);

        var worker = Worker(located.Instance, inventory, users, options.ProcRoot, notes);
        // ngxdoctor's own sockets (the .NET runtime's diagnostics socket) are not the host's.
        var tcp = TcpTables.Read(options.ProcRoot);
        var listeners = ListenerTable.Read(processes, options.ProcRoot, tcp)
            .Where(l => l.Processes.Count == 0 || l.Processes.Any(p => p.Pid != Environment.ProcessId)).ToList();
        if (!isRoot)
        {
            notes.Add(new NotCollected("listener-owners", "not root: the processes behind other users' sockets cannot be seen"));
        }

        var now = DateTime.Now;
        var oomKills = Logs.KernelLogReader.OomKillsAsync(now - options.Since, now, kernelNotes, deadline.Token);
        var logs = Logs.LogCollector.Collect(config, located, now, options.Since, notes, processes, inventory, out var phpFpm);

        var socketPaths = inventory.Targets.Where(t => t.Address.Kind == UpstreamAddressKind.Unix)
            .Select(t => t.Address.SocketPath!).Distinct().Select(p => SocketPathInspector.Inspect(p, users)).ToList();

        var connections = NetworkFactsCollector.Connections(inventory, located.Instance, processes, tcp, options.ProcRoot);
        var probed = await probes.ConfigureAwait(false);
        var httpProbes = HttpProbesAsync(inventory, probed, probeBudget, options.HealthPath, Path.GetDirectoryName(located.ConfigFile), deadline.Token);
        var fastCgiProbes = FastCgiProbesAsync(inventory, probed, phpFpm, probeBudget, deadline.Token);
        var lookups = await dns.ConfigureAwait(false);
        var resolved = await NetworkFactsCollector.ResolvedVariableHostsAsync(inventory, lookups, probeBudget, deadline.Token).ConfigureAwait(false);
        var http = await httpProbes.ConfigureAwait(false);
        var fastCgi = await fastCgiProbes.ConfigureAwait(false);

        // nginx -t binds every free `listen` address for a moment: run it beside the listener table or the probes
        // and they see its sockets (an upstream on nginx's own port "listening", a probe connected to nginx -t).
        var cycle = config.Diagnostics.FirstOrDefault(d => d.Code == ConfigDiagnostic.IncludeCycle);
        var test = options.RunConfigTest && cycle is null ? await ConfigTestAsync(located, config, isRoot, testNotes, deadline.Token).ConfigureAwait(false) : null;
        if (!options.RunConfigTest)
        {
            notes.Add(new NotCollected("config-test", "nginx -t not requested"));
        }
        else if (cycle is not null)
        {
            // It would recurse until it crashes (SIGSEGV), and a crash may leave a core file behind.
            notes.Add(new NotCollected("config-test", $"nginx -t not run: nginx follows the include cycle at {cycle.Pos} until it crashes"));
        }

        var kills = await oomKills.ConfigureAwait(false);
        notes.AddRange(testNotes);
        notes.AddRange(kernelNotes);

        var facts = new DiagnosisFacts
        {
            CollectedAt = new DateTimeOffset(now),
            Hostname = Environment.MachineName,
            ConfigFile = located.ConfigFile,
            Instance = located.Instance,
            Worker = worker,
            Inventory = inventory,
            ConfigDiagnostics = config.Diagnostics,
            ConfigTest = test,
            Listeners = listeners,
            SocketPaths = socketPaths,
            Probes = [.. probed, .. resolved],
            HttpProbes = http,
            Logs = logs,
            FastCgiProbes = fastCgi,
            PhpFpm = phpFpm,
            OomKills = kills,
            Dns = lookups,
            Connections = connections,
            System = SystemLimits.Read(options.ProcRoot),
            Services = ServiceDiscovery.Find(inventory),
            NotCollected = notes,
        };
        var firewall = await NetworkFactsCollector.FirewallAsync(facts, deadline.Token).ConfigureAwait(false);
        if (firewall?.Problem is { } why)
        {
            notes.Add(new NotCollected("firewall", why));
        }

        return (facts with { Firewall = firewall }, config);
    }

    private static WorkerIdentity? Worker(NginxInstance? instance, UpstreamInventory inventory, UserDatabase users, string procRoot, List<NotCollected> notes)
    {
        if (instance is { WorkerPids.Count: > 0 } && WorkerIdentityResolver.FromProcess(instance.WorkerPids[0], users, procRoot) is { } fromProcess)
        {
            return fromProcess;
        }

        // Without a running master, assume it would be started by root, as its service does.
        var masterIsRoot = instance is null || ProcessTable.ReadOne(procRoot, instance.MasterPid)?.Uid == 0;
        var fromConfig = WorkerIdentityResolver.FromConfig(inventory.WorkerUser, users, masterIsRoot);
        if (fromConfig is null)
        {
            notes.Add(new NotCollected("worker", "the worker user could not be determined (no running worker, user unknown)"));
        }

        return fromConfig;
    }

    /// <summary>`nginx -t` with the instance's binary, -c, -p and -g, in a sandbox where what it writes does not stay (<see cref="Nginx.ConfigTestSandbox"/>).</summary>
    public static async Task<ConfigTestResult?> ConfigTestAsync(LocatedInstance located, NginxConfig config, bool isRoot, List<NotCollected> notes, CancellationToken ct)
    {
        if (located.Binary is not { } binary)
        {
            notes.Add(new NotCollected("config-test", "no nginx binary found to run nginx -t"));

            return null;
        }

        var args = new List<string> { "-t", "-c", located.ConfigFile };
        if (located.Instance?.Prefix is { } prefix)
        {
            args.AddRange(["-p", prefix]);
        }

        foreach (var g in located.Instance?.Globals ?? [])
        {
            args.AddRange(["-g", g]);
        }

        if (binary.SupportsErrorLogFlag)
        {
            args.AddRange(["-e", "stderr"]);
        }

        if (FileTrust.WhyNotRunnable(binary.Path) is { } refused)
        {
            notes.Add(new NotCollected("config-test", $"nginx -t not run: {refused}"));

            return null;
        }

        if (!isRoot)
        {
            notes.Add(new NotCollected("config-test", "nginx -t not run: it would create nginx's logs, pid file and temp directories; as root ngxdoctor runs it in a private mount namespace where nothing it writes stays"));

            return null;
        }

        var scratch = Directory.CreateTempSubdirectory("ngxdoctor-nginx-t-");
        CommandResult r;
        try
        {
            var root = located.Instance?.Prefix ?? binary.Prefix ?? Path.GetDirectoryName(located.ConfigFile) ?? "/";
            var (file, sandboxed, why) = Nginx.ConfigTestSandbox.Command(config, binary, root, scratch.FullName, binary.Path, args);
            if (file is null)
            {
                notes.Add(new NotCollected("config-test", $"nginx -t not run: it would write nginx's files and no private mount namespace could keep them: {why}"));

                return null;
            }

            r = await CommandRunner.RunAsync(file, sandboxed, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        if (Nginx.ConfigTestSandbox.Failure(r) is { } failed)
        {
            notes.Add(new NotCollected("config-test", $"nginx -t not run: no private mount namespace for it ({failed}), and run as is it would write nginx's files"));

            return null;
        }

        r = r with { CommandLine = binary.Path + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)) };

        if (r.TimedOut)
        {
            notes.Add(new NotCollected("config-test", $"{r.CommandLine} did not finish in time"));

            return null;
        }

        if (r.ExitCode != 0 && !isRoot && r.Output.Contains("Permission denied", StringComparison.Ordinal))
        {
            notes.Add(new NotCollected("config-test", "nginx -t needs root here (it opens logs and the pid file): run ngxdoctor as root"));

            return null;
        }

        return new ConfigTestResult(r.CommandLine, r.ExitCode, r.Output);
    }

    /// <summary>A request in its protocol (HTTP, uwsgi, SCGI, HTTP/2 for gRPC) to every such upstream whose connect succeeded, all at once.</summary>
    private static async Task<IReadOnlyList<HttpProbeResult>> HttpProbesAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> probes, TimeSpan timeout, string? healthPath, string? configDir, CancellationToken ct)
    {
        var connected = probes.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var tasks = inventory.Targets
            .Where(t => t.Sites[0].Directive is "proxy_pass" or "uwsgi_pass" or "scgi_pass" or "grpc_pass" && connected.Contains(t.Address.Text))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t => (Target: t, Plan: Core.Analysis.HttpRequestPlan.For(t, t.Sites[0], healthPath)))
            .Select(x => x.Target.Sites[0].Directive switch
            {
                "uwsgi_pass" => UwsgiProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir),
                "scgi_pass" => ScgiProbe.RunAsync(x.Target, x.Plan, timeout, ct),
                "grpc_pass" => GrpcProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir),
                _ => HttpProbe.RunAsync(x.Target, x.Plan, timeout, ct, configDir),
            });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>A FastCGI request to every fastcgi_pass upstream whose connect succeeded: the pool's status page (json), else its ping, else a minimal request.</summary>
    private static async Task<IReadOnlyList<FastCgiProbeResult>> FastCgiProbesAsync(UpstreamInventory inventory, IReadOnlyList<ProbeResult> probes, IReadOnlyList<FpmInstance> phpFpm, TimeSpan timeout, CancellationToken ct)
    {
        var connected = probes.Where(p => p.Outcome == ProbeOutcome.Connected).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        var tasks = inventory.Targets
            .Where(t => t.Sites[0].Directive == "fastcgi_pass" && connected.Contains(t.Address.Text))
            .GroupBy(t => t.Address.Text).Select(g => g.First())
            .Select(t =>
            {
                var pool = phpFpm.Select(f => f.PoolAt(t.Address.Text)).FirstOrDefault(p => p is not null);
                return pool?.Get("pm.status_path") is { } status ? FastCgiProbe.RunAsync(t, status, "json", timeout, ct)
                    : pool?.Get("ping.path") is { } ping ? FastCgiProbe.RunAsync(t, ping, "", timeout, ct)
                    : FastCgiProbe.RunAsync(t, "/ngxdoctor-probe.php", "", timeout, ct);
            });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Whether ngxdoctor runs as root (by name or by effective uid).</summary>
    public static bool IsRoot => Environment.UserName == "root" || UnixFileStatus.Of("/proc/self").Uid == 0;
}
