using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Host;

/// <summary>The nginx to diagnose: its configuration file, its running master (if any) and its binary.</summary>
public sealed record LocatedInstance(string ConfigFile, NginxInstance? Instance, NginxBinary? Binary, IReadOnlyList<NotCollected> Notes)
{
    /// <summary>Which instance of the host it is and where it stands; null for a --config outside any running master.</summary>
    public InstanceIdentity? Identity { get; init; }

    /// <summary>
    /// For a master on the host's own root in a mount namespace of its own (systemd's PrivateTmp=, ProtectSystem=), that
    /// namespace (/proc/PID/ns/mnt): its binary is the host's, so `nginx -t` runs as for any host nginx, entered there.
    /// Null for the host's namespace and for containers (another root: the runtime's job).
    /// </summary>
    public string? PrivateMounts { get; init; }

    /// <summary>Where its sockets are made and its files read (the host's view unless it runs in other namespaces).</summary>
    public Namespaces.Vantage From { get; init; } = Namespaces.Vantage.Host;

    // Read once per master (its user, its TZ), not by every collector that needs them; keyed by the pid a `with` may change.
    private (int? Pid, NgxDoctor.Config.FileAccessor? Master)? _master;
    private (int? Pid, string? Tz)? _tz;

    /// <summary>The user its master runs as when that is not ngxdoctor's (/proc/PID/status, read once); null otherwise.</summary>
    public NgxDoctor.Config.FileAccessor? Master
    {
        get
        {
            var pid = Instance?.MasterPid;
            if (_master is not { } known || known.Pid != pid)
            {
                _master = known = (pid, Security.AsUser.MasterOf(pid));
            }

            return known.Master;
        }
    }

    /// <summary>The TZ its master was started with, while /proc/PID/environ still shows it (read once); null otherwise.</summary>
    public string? MasterTz
    {
        get
        {
            var pid = Instance?.MasterPid;
            if (_tz is not { } known || known.Pid != pid)
            {
                _tz = known = (pid, pid is { } p ? Logs.NginxTimeZone.Variable(p, "TZ") : null);
            }

            return known.Tz;
        }
    }

    /// <summary>Its configuration, read as it reads it (through its root).</summary>
    public NgxDoctor.Config.NginxConfig LoadConfig() => new NgxDoctor.Config.ConfigLoader(ConfigSource).Load(From.Root.IsHost ? Path.GetFullPath(ConfigFile) : ConfigFile);

    /// <summary>
    /// Its configuration files, as it reads them: through its root, and with its master's rights when that is another
    /// user (an include of a file that user may not open is named, never read).
    /// </summary>
    public NgxDoctor.Config.IConfigSource ConfigSource
    {
        get
        {
            var disk = Security.AsUser.Opener(Master) is { } opener ? new NgxDoctor.Config.DiskConfigSource(opener) : NgxDoctor.Config.DiskConfigSource.Instance;
            return From.Root.IsHost ? disk : new Namespaces.RootedConfigSource(From.Root, disk);
        }
    }
}

/// <summary>
/// Follows the diagnose contract: --config if given (and the master running it, if any); else the running
/// master(s) from /proc with their -c/-p or the binary's compiled-in path; else /etc/nginx/nginx.conf.
/// </summary>
public static class InstanceLocator
{
    public const string DefaultConfig = "/etc/nginx/nginx.conf";

    public static async Task<LocatedInstance> LocateAsync(string? configFile, IReadOnlyList<NginxInstance> masters, CancellationToken ct, Namespaces.InstanceRoot? root = null)
    {
        var notes = new List<NotCollected>();
        var binaries = new Dictionary<string, NginxBinary?>(StringComparer.Ordinal);
        async Task<NginxBinary?> Inspect(string? path)
        {
            if (root is { IsHost: false })
            {
                // Another root's binary is read, never run: root would run a program whoever builds the image controls.
                return path is null ? null : NginxBinary.Read(root.Map(path), path);
            }

            var located = NginxBinary.Locate(path);
            if (located is null)
            {
                return null;
            }

            if (!binaries.TryGetValue(located, out var b))
            {
                binaries[located] = b = await NginxBinary.InspectAsync(located, ct).ConfigureAwait(false);
            }

            return b;
        }

        var candidates = new List<(NginxInstance Master, string? Config, NginxBinary? Binary)>();
        foreach (var m in masters)
        {
            var exe = m.Executable?.EndsWith(" (deleted)", StringComparison.Ordinal) == true ? null : m.Executable;
            var bin = await Inspect(exe).ConfigureAwait(false);
            if (bin?.Refused is { } refused)
            {
                // Its title says nginx, but root would run (and read for) a program another user controls.
                notes.Add(new NotCollected(Fact.OtherInstances, $"pid {m.MasterPid} is titled as an nginx master, but its binary was not run: {refused}; not diagnosed"));
                continue;
            }

            candidates.Add((m, NginxProcesses.ConfigPath(m, bin?.ConfPath, bin?.Prefix), bin));
        }

        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            var match = candidates.FirstOrDefault(c => c.Config == full);
            return new LocatedInstance(full, match.Master, match.Binary ?? await Inspect(null).ConfigureAwait(false), notes);
        }

        if (candidates.Count > 0)
        {
            var chosen = candidates.FirstOrDefault(c => c.Config is not null);
            if (chosen.Config is null)
            {
                throw new NoNginxException($"nginx master {candidates[0].Master.MasterPid} is running, but its configuration file could not be determined; pass --config");
            }

            if (candidates.Count > 1)
            {
                var others = string.Join(", ", candidates.Where(c => c != chosen).Select(c => $"pid {c.Master.MasterPid} ({c.Config ?? "unknown config"})"));
                notes.Add(new NotCollected(Fact.OtherInstances, $"several nginx masters run; diagnosed pid {chosen.Master.MasterPid}, not {others}: pass --config to choose"));
            }

            return new LocatedInstance(chosen.Config, chosen.Master, chosen.Binary, notes);
        }

        var binary = await Inspect(null).ConfigureAwait(false);
        if (binary?.Refused is { } notRun)
        {
            notes.Add(new NotCollected(Fact.NginxBinary, $"{binary.Path} was not run: {notRun}"));
            binary = null;
        }

        var conf = binary?.ConfPath ?? DefaultConfig;
        if (!File.Exists(conf))
        {
            throw new NoNginxException(binary is null
                ? "no nginx found: no running master, no nginx binary, no /etc/nginx/nginx.conf; install nginx (apt-get install nginx) or pass --config"
                : $"no running nginx, and {conf} (the binary's default configuration) does not exist; pass --config");
        }

        notes.Add(new NotCollected(Fact.RunningMaster, "no running nginx master found; diagnosing the configuration on disk"));
        return new LocatedInstance(conf, null, binary, notes);
    }
}
