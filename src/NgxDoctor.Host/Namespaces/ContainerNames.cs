using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Namespaces;

/// <summary>Names the containers the cgroups identified, from the Docker Engine API when one answers (else only their ids are known, and a note says why).</summary>
public static class ContainerNames
{
    public static async Task<Dictionary<int, ContainerIdentity>> ResolveAsync(IEnumerable<(int Pid, ContainerIdentity? Container)> found, List<NotCollected> notes, CancellationToken ct)
    {
        var result = found.Where(f => f.Container is not null).ToDictionary(f => f.Pid, f => f.Container!);
        if (!result.Values.Any(c => c.Runtime == "docker"))
        {
            return result;
        }

        using var engine = DockerEngine.FromEnvironment(out var why);
        if (engine is null)
        {
            notes.Add(new NotCollected(Fact.Containers, $"{why}: containers are named by id only"));
            return result;
        }

        foreach (var (pid, c) in result.Where(r => r.Value.Runtime == "docker").ToList())
        {
            try
            {
                if (await engine.InspectAsync(c.Id, ct).ConfigureAwait(false) is { } d)
                {
                    result[pid] = Named(c, d);
                }
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException or System.Text.Json.JsonException)
            {
                notes.Add(new NotCollected(Fact.Containers, $"the Docker engine at {engine.SocketPath} did not answer ({e.Message}): containers are named by id only"));
                break;
            }
        }

        return result;
    }

    public static ContainerIdentity Named(ContainerIdentity c, DockerContainer d) => c with
    {
        Name = d.Name,
        Image = d.Image,
        ComposeProject = d.Label("com.docker.compose.project"),
        ComposeService = d.Label("com.docker.compose.service"),
        PodName = d.Label("io.kubernetes.pod.name"),
        PodNamespace = d.Label("io.kubernetes.pod.namespace"),
        NetworkOf = d.NetworkMode is { } mode && mode.StartsWith("container:", StringComparison.Ordinal) ? mode["container:".Length..] : null,
        Mounts = d.Mounts.Select(m => new ContainerMount(m.Type, m.Source, m.Destination, m.Writable)).ToList(),
        Networks = d.Addresses.Select(a => a.Network).Distinct().ToList(),
        LogPath = d.LogPath,
        LogDriver = d.LogDriver,
        Source = "docker-api",
    };
}
