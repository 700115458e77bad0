namespace NgxDoctor.Core.Facts;

/// <summary>The namespaces of a process, by the inode of /proc/PID/ns/*; null where it could not be read.</summary>
public sealed record NamespaceIds(ulong? Net, ulong? Mnt, ulong? Pid, ulong? User);

/// <summary>A bind mount or volume of a container: <see cref="Source"/> on the host appears at <see cref="Destination"/> inside.</summary>
public sealed record ContainerMount(string Type, string? Source, string Destination, bool Writable);

/// <summary>
/// The container a process runs in, as its cgroup names it (runtime and id) and, where the runtime could be asked,
/// its name, image and compose/pod labels. <see cref="Source"/> says where the names came from.
/// </summary>
public sealed record ContainerIdentity(string Runtime, string Id)
{
    public string? Name { get; init; }

    public string? Image { get; init; }

    public string? ComposeProject { get; init; }

    public string? ComposeService { get; init; }

    public string? PodName { get; init; }

    public string? PodNamespace { get; init; }

    /// <summary>The container whose network namespace this one joined (`--network container:X`, a pod's sandbox).</summary>
    public string? NetworkOf { get; init; }

    /// <summary>Host directories or files mounted into it: a file under one is the host's file.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>The runtime's networks it is attached to (names answer only on a network both containers share).</summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Where the runtime keeps what the container writes to stdout and stderr (Docker's json-file), and its log driver.</summary>
    public string? LogPath { get; init; }

    public string? LogDriver { get; init; }

    /// <summary>"cgroup" (only the id is known), "docker-api" (the Engine API answered), "cri-labels".</summary>
    public string Source { get; init; } = "cgroup";

    [System.Text.Json.Serialization.JsonIgnore]
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;

    /// <summary>How a person names it: "container app-php-1 (compose service php)" or "docker container 3f2a9c0d1e2b".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Describe => (Name is null ? $"{Runtime} container {ShortId}" : $"container {Name}")
        + (ComposeService is not null ? $" (compose service {ComposeService})" : PodName is not null ? $" (pod {PodNamespace}/{PodName})" : "");
}

/// <summary>
/// One nginx to diagnose: its id in a report, its master, and where it stands (its namespaces, its root, its
/// container). <see cref="Isolated"/> says whether it sees another network than ngxdoctor does.
/// </summary>
public sealed record InstanceIdentity(string Id, int? MasterPid, string ConfigFile)
{
    public NamespaceIds? Namespaces { get; init; }

    public ContainerIdentity? Container { get; init; }

    /// <summary>The directory its files are read through: "/" on the host, /proc/PID/root in another mount namespace.</summary>
    public string Root { get; init; } = "/";

    /// <summary>Whether its network namespace is not ngxdoctor's own: probes, DNS and listeners are those of its namespace.</summary>
    public bool OwnNetwork { get; init; }

    /// <summary>"container app-nginx-1", "network namespace 4026532301", or "the host".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Where => Container?.Describe ?? (OwnNetwork && Namespaces?.Net is { } net ? $"network namespace {net}" : "the host");
}
