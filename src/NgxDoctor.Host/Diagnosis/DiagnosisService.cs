using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.RequestPath;
using NgxDoctor.Core.Text;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Diagnosis;

/// <summary>What was gathered of one instance: the facts and the configuration they were read from.</summary>
public sealed record Gathered(DiagnosisFacts Facts, NginxConfig Config);

/// <summary>The facts of one instance and the report made of them.</summary>
public sealed record Diagnosed(DiagnosisFacts Facts, NginxConfig Config, DiagnosisReport Report);

/// <summary>
/// "Diagnose this instance within this budget", the one pipeline every command uses: Host gathers the facts
/// (<see cref="FactsCollector"/>), Core decides (<see cref="DiagnosisEngine"/>) over the redacted facts, as every
/// report and bundle shows them.
/// </summary>
public static class DiagnosisService
{
    /// <summary>The instance for a --config (or none: the running master(s), else the default path).</summary>
    public static Task<LocatedInstance> LocateAsync(string? configFile, CancellationToken ct, string procRoot = "/proc") =>
        InstanceLocator.LocateAsync(configFile, NginxProcesses.Find(ProcessTable.Read(procRoot), procRoot), ct);

    /// <summary>
    /// The instances to diagnose: the --config one; else every running master (or the one --pid/--container picks),
    /// each with its namespaces and container; else the configuration on disk.
    /// </summary>
    public static async Task<IReadOnlyList<LocatedInstance>> LocateAllAsync(string? configFile, InstanceSelector selector, CancellationToken ct, string procRoot = "/proc")
    {
        if (configFile is not null && ThroughRoot(configFile) is { } inside)
        {
            // A container's file named from the host: that container's master, its file as it names it.
            var theirs = await InstanceFinder.LocateAsync(selector with { Pid = inside.Pid }, ct, procRoot).ConfigureAwait(false);
            return [theirs[0] with { ConfigFile = inside.Path, Identity = theirs[0].Identity! with { ConfigFile = inside.Path } }];
        }

        var picked = selector.Pid is not null || selector.Container is not null;
        if (configFile is not null && !picked)
        {
            var located = await LocateAsync(configFile, ct, procRoot).ConfigureAwait(false);
            if (located.Instance is not { } master)
            {
                return [located];
            }

            // The running master of that file: seen from where it stands, as without --config.
            var same = await InstanceFinder.LocateAsync(new InstanceSelector(master.MasterPid), ct, procRoot).ConfigureAwait(false);
            return [same[0] with { ConfigFile = located.ConfigFile, Identity = same[0].Identity! with { ConfigFile = located.ConfigFile } }];
        }

        var masters = NginxProcesses.Find(ProcessTable.Read(procRoot), procRoot);
        if (!picked && masters.Count == 0)
        {
            return [await InstanceLocator.LocateAsync(null, masters, ct).ConfigureAwait(false)];
        }

        return await InstanceFinder.LocateAsync(selector, ct, procRoot, masters).ConfigureAwait(false);
    }

    /// <summary>The one instance a command that acts on one (fix, logs, collect, route, upstreams) works on; several are an error that names them.</summary>
    public static async Task<LocatedInstance> LocateOneAsync(string? configFile, InstanceSelector selector, CancellationToken ct, string procRoot = "/proc")
    {
        var all = await LocateAllAsync(configFile, selector, ct, procRoot).ConfigureAwait(false);
        if (all.Count == 1)
        {
            return all[0];
        }

        foreach (var other in all)
        {
            other.From.Dispose();
        }

        var ids = string.Join(", ", all.Select(l => $"{l.Identity?.Id} ({l.ConfigFile})"));
        throw new NoNginxException($"{all.Count} nginx instances run here: {ids}; pick one with --pid or --container");
    }

    /// <summary>"/proc/PID/root/etc/nginx/nginx.conf": the pid and the path inside.</summary>
    private static (int Pid, string Path)? ThroughRoot(string file)
    {
        var parts = Path.GetFullPath(file).Split('/', 5, StringSplitOptions.None);
        return parts.Length == 5 && parts[1] == "proc" && int.TryParse(parts[2], out var pid) && parts[3] == "root" ? (pid, "/" + parts[4]) : null;
    }

    /// <summary>
    /// Every instance diagnosed at once within the one budget; one report (an instance's own when it is the only one
    /// and has no identity, else <see cref="InstanceReports.Combine"/>). The instances' namespace threads end here.
    /// </summary>
    public static async Task<(DiagnosisReport Report, IReadOnlyList<Gathered> Gathered)> DiagnoseAllAsync(IReadOnlyList<LocatedInstance> instances, CollectOptions options, CancellationToken ct)
    {
        try
        {
            var shared = instances.Count > 1 ? options with { Peers = options.Peers ?? PeerCollector.ScanAsync(ct, options.ProcRoot) } : options;
            if (instances.Count == 1)
            {
                var one = await GatherAsync(instances[0], shared, ct).ConfigureAwait(false);
                var report = Decide(one.Facts);
                return (instances[0].Identity is { } id ? InstanceReports.Combine([(id, report)]) : report, [one]);
            }

            // One instance that cannot be read (its root unreadable without root) is that instance's unknown, not the run's.
            var tasks = instances.Select(i => GatherOrWhyAsync(i, shared, ct)).ToList();
            var results = await Task.WhenAll(tasks).ConfigureAwait(false);
            var parts = instances.Zip(results, (i, r) => new InstancePart(i.Identity!, r.Gathered?.Facts, r.Gathered is { } g ? Decide(g.Facts) : Unreadable(i, r.Why!))).ToList();
            return (InstanceReports.Combine(NginxChains.Apply(parts).Select(p => (p.Identity, p.Report)).ToList()), results.Select(r => r.Gathered).OfType<Gathered>().ToList());
        }
        finally
        {
            foreach (var i in instances)
            {
                i.From.Dispose();
            }
        }
    }

    private static async Task<(Gathered? Gathered, string? Why)> GatherOrWhyAsync(LocatedInstance instance, CollectOptions options, CancellationToken ct)
    {
        try
        {
            return (await GatherAsync(instance, options, ct).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is ConfigParseException or IOException or UnauthorizedAccessException)
        {
            return (null, SafeText.Escape(e.Message));
        }
    }

    /// <summary>The report of an instance whose configuration could not be read: nothing checked, and why.</summary>
    private static DiagnosisReport Unreadable(LocatedInstance instance, string why) =>
        new(Status.Unknown, [], [new SkippedCheck("config", why)], [],
            new ReportContext(instance.ConfigFile, instance.Instance?.MasterPid, null, 0, DateTimeOffset.Now.ToString("O"), Environment.MachineName));

    /// <summary>This host's memory page size, which nginx's buffer defaults follow (recorded in the facts as <see cref="SystemFacts.PageSize"/>).</summary>
    public static int PageSize => Environment.SystemPageSize;

    /// <summary>Gathers within the budget; a probe or tool that hangs cannot hold the caller past it.</summary>
    public static async Task<Gathered> GatherAsync(LocatedInstance instance, CollectOptions options, CancellationToken ct)
    {
        var work = Task.Run(() => FactsCollector.CollectAsync(instance, options, ct), ct);
        var done = await Task.WhenAny(work, Task.Delay(options.Deadline + TimeSpan.FromSeconds(1), ct)).ConfigureAwait(false);
        if (done != work)
        {
            throw new OperationCanceledException();
        }

        return await work.ConfigureAwait(false);
    }

    /// <summary>The report of facts gathered here or elsewhere (a --facts file, a bundle): the same facts give the same report.</summary>
    public static DiagnosisReport Decide(DiagnosisFacts facts) => DiagnosisEngine.Diagnose(FactsRedaction.Apply(facts, keepQuery: true));

    public static async Task<Diagnosed> DiagnoseAsync(LocatedInstance instance, CollectOptions options, CancellationToken ct)
    {
        var gathered = await GatherAsync(instance, options, ct).ConfigureAwait(false);
        return new Diagnosed(gathered.Facts, gathered.Config, Decide(gathered.Facts));
    }
}
