namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// Findings whose failures share one root become one finding that lists what the root takes down (`affects`): the
/// unix sockets nginx passes to that are dead in one directory (/run/php: the pool manager that creates them is not
/// running), and the ports of one remote host that nginx's log says cannot be reached (the host is gone). A mass
/// outage of a thousand pools is one thing to do, not a thousand findings.
/// </summary>
public static class FindingRoots
{
    /// <summary>Fewer dead sockets than this in one directory are named one by one.</summary>
    public const int AtLeast = 3;

    private const int Named = 10;

    private static readonly Cause[] ProcessCauses = [Cause.UpstreamTimeout, Cause.UpstreamCrash, Cause.PoolExhausted, Cause.BadResponse, Cause.BackendError];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> ranked, Facts.DiagnosisFacts? facts = null)
    {
        var dns = facts?.Dns;
        var sockets = ranked.Where(IsDeadSocket).GroupBy(f => (f.Instance, Key: SocketDirectory(f.Upstream!))).Where(g => g.Count() >= AtLeast)
            .Select(g => (Members: g.ToList(), Make: (Func<IReadOnlyList<Finding>, Finding>)(m => Root(m, facts))));
        var hosts = ranked.Where(f => f.Cause == Cause.UpstreamDown && f.Check is HostUnreachable or Checks.RemoteHostCheck.CheckId && f.Upstream is not null).GroupBy(f => (f.Instance, Key: HostOf(f.Upstream!))).Where(g => g.Count() >= 2)
            .Select(g => (Members: g.ToList(), Make: (Func<IReadOnlyList<Finding>, Finding>)GoneHost));
        var servers = ranked.Where(f => f.Cause == Cause.DnsFailure && SilentServer(dns, f.Upstream) is not null).GroupBy(f => (f.Instance, Key: SilentServer(dns, f.Upstream)!)).Where(g => g.Count() >= 2)
            .Select(g => (Members: g.ToList(), Make: (Func<IReadOnlyList<Finding>, Finding>)(m => DeafServer(m, g.Key.Key))));
        var model = facts is null ? null : RequestPath.PathModel.Build(facts);
        var processes = model is null ? [] : ranked.Where(f => ProcessCauses.Contains(f.Cause) && f.Affects.Count == 0 && ServedBy(model, f.Upstream) is not null)
            .GroupBy(f => (f.Instance, f.Cause, Key: ServedBy(model, f.Upstream)!.Value.Key)).Where(g => g.Select(f => f.Upstream).Distinct().Count() >= 2)
            .Select(g => (Members: g.ToList(), Make: (Func<IReadOnlyList<Finding>, Finding>)(m => OneProcess(m, ServedBy(model, m[0].Upstream)!.Value.Name))));
        var groups = sockets.Concat(hosts).Concat(servers).Concat(processes).ToDictionary(g => g.Members[0], g => g);
        if (groups.Count == 0)
        {
            return ranked;
        }

        var folded = groups.Values.SelectMany(g => g.Members.Skip(1)).ToHashSet();
        return ranked.Where(f => !folded.Contains(f)).Select(f => groups.TryGetValue(f, out var g) ? g.Make(g.Members) : f).ToList();
    }

    private const string HostUnreachable = Checks.LogIncidentChecks.HostUnreachable;

    /// <summary>"10.0.0.5:8080" → "10.0.0.5", "[fd00::5]:80" → "[fd00::5]".</summary>
    private static string HostOf(string upstream) => upstream.LastIndexOf(':') is var colon and > 0 && !upstream.EndsWith(']') ? upstream[..colon] : upstream;

    private static Finding GoneHost(IReadOnlyList<Finding> members)
    {
        var first = members[0];
        var host = HostOf(first.Upstream!);
        var ports = members.SelectMany(m => m.Affects.Count > 0 ? m.Affects : [m.Upstream!]).Distinct().ToList();
        var how = members.Any(m => m.Check == Checks.RemoteHostCheck.CheckId) ? "it does not answer ARP on its network" : "connects failed with no route to it";
        return first with
        {
            Severity = members.Max(m => m.Severity),
            Title = $"Host {host} cannot be reached: {ports.Count} of its ports fail, {how} (502)",
            Evidence = [.. first.Evidence, .. members.Skip(1).SelectMany(m => m.Evidence).Where(e => e.Kind == EvidenceKind.System).Except(first.Evidence).Distinct(), new Evidence(EvidenceKind.Log, host, $"the same for {string.Join(", ", ports.Skip(1))}")],
            Affects = ports,
        };
    }

    /// <summary>The process that serves an upstream (its listener's processes, as one key), and how to name it; null when not known.</summary>
    private static (string Key, string Name)? ServedBy(RequestPath.PathModel model, string? upstream)
    {
        var listener = model.Named(upstream).Select(n => n.Listener).FirstOrDefault(l => l is { Processes.Count: > 0 });
        if (listener is null)
        {
            return null;
        }

        var main = listener.Processes.MinBy(p => p.Pid)!;
        return (string.Join(",", listener.Processes.Select(p => p.Pid).Order()), $"{main.Name} (pid {main.Pid})");
    }

    private static Finding OneProcess(IReadOnlyList<Finding> members, string process)
    {
        var first = members[0];
        var upstreams = members.Select(m => m.Upstream!).Distinct().ToList();
        return first with
        {
            Severity = members.Max(m => m.Severity),
            Title = $"{first.Title}; the same at {string.Join(", ", upstreams.Skip(1).Take(Named))}: all served by {process}",
            Evidence = [.. first.Evidence, new Evidence(EvidenceKind.Process, process, $"serves {string.Join(", ", upstreams.Take(Named))}{(upstreams.Count > Named ? " and more" : "")}: one process, one problem")],
            Affects = upstreams,
        };
    }

    /// <summary>The `resolver` server that gave no answer for this name (a refusal or NXDOMAIN is an answer: no root of its own).</summary>
    private static string? SilentServer(IReadOnlyList<Facts.DnsLookup>? dns, string? name) =>
        dns?.FirstOrDefault(d => d.Server != Facts.DnsLookup.System && string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)
            && d.Outcome is Facts.DnsLookup.NoAnswer or Facts.DnsLookup.Failed)?.Server;

    private static Finding DeafServer(IReadOnlyList<Finding> members, string server)
    {
        var first = members[0];
        var names = members.Select(m => m.Upstream!).Distinct().ToList();
        return first with
        {
            Severity = members.Max(m => m.Severity),
            Title = $"nginx's resolver {server} does not answer: {names.Count} names fail ({string.Join(", ", names.Take(Named))}{(names.Count > Named ? ", ..." : "")}), requests that need them get 502",
            Evidence = [.. first.Evidence, new Evidence(EvidenceKind.Dns, server, $"no answer either for {string.Join(", ", names.Skip(1).Take(Named))}")],
            Affects = names,
        };
    }

    private static bool IsDeadSocket(Finding f) =>
        f.Cause == Cause.UpstreamDown && f.Upstream is { } u && u.StartsWith("unix:", StringComparison.Ordinal) && SocketDirectory(u).Length > 1;

    private static string SocketDirectory(string upstream) => Path.GetDirectoryName(upstream["unix:".Length..]) ?? "";

    private static Finding Root(IReadOnlyList<Finding> members, Facts.DiagnosisFacts? facts)
    {
        var start = Facts.ServiceCommands.Example(facts?.System?.ServiceManager ?? Facts.ServiceManager.Unknown, "php8.2-fpm");
        var first = members[0];
        var dir = SocketDirectory(first.Upstream!);
        var names = members.Select(m => Path.GetFileName(m.Upstream!)).ToList();
        var listed = string.Join(", ", names.Take(Named)) + (names.Count > Named ? $" and {names.Count - Named} more" : "");
        return first with
        {
            Severity = members.Max(m => m.Severity),
            Title = $"{members.Count} sockets nginx passes to in {dir} are dead: whatever creates them (the PHP-FPM master of those pools, or their app server) is not running",
            Evidence = [.. first.Evidence, new Evidence(EvidenceKind.File, dir, $"{members.Count} sockets of this directory that nginx passes to are dead: {listed}")],
            Remedy = new Remedy($"Start the service that creates the sockets in {dir} (for PHP-FPM: its service, e.g. {start}; a pool whose socket stays missing has an error in its own log), then check that the sockets are back.", first.Remedy.Commands),
            Affects = members.Select(m => m.Upstream!).ToList(),
        };
    }
}
