using System.Net.Sockets;
using System.Text.Json;

namespace NgxDoctor.Host.Namespaces;

/// <summary>A bind mount (or volume) of a container: the host's <see cref="Source"/> appears at <see cref="Destination"/>.</summary>
public sealed record DockerMount(string Type, string? Source, string Destination, bool Writable);

/// <summary>An address a container has on one of its networks, and the names it answers to there.</summary>
public sealed record DockerAddress(string Network, string Ip, IReadOnlyList<string> Names);

/// <summary>What `docker inspect` says of a container, the fields ngxdoctor uses.</summary>
public sealed record DockerContainer(string Id, string Name, string? Image, IReadOnlyDictionary<string, string> Labels, int? Pid)
{
    public string? LogPath { get; init; }

    public string? LogDriver { get; init; }

    public string? NetworkMode { get; init; }

    public IReadOnlyList<DockerMount> Mounts { get; init; } = [];

    public IReadOnlyList<DockerAddress> Addresses { get; init; } = [];

    /// <summary>"running", "exited", "created"...</summary>
    public string? State { get; init; }

    public string? Label(string key) => Labels.TryGetValue(key, out var v) ? v : null;
}

/// <summary>
/// The Docker Engine API over its unix socket ($DOCKER_HOST when it is unix://, else /var/run/docker.sock), read
/// with HttpClient and JsonDocument: two read-only endpoints, nothing a client library's reflection-based
/// serialisation would add to the native binary. Every call ends within <see cref="Timeout"/>.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private const string DefaultSocket = "/var/run/docker.sock";
    private readonly HttpClient _http;

    public DockerEngine(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/v1.41/"), Timeout = Timeout };
    }

    public string SocketPath { get; }

    /// <summary>The engine's socket, or null with the reason when there is none to ask.</summary>
    public static DockerEngine? FromEnvironment(out string? why, string? dockerHost = null)
    {
        dockerHost ??= Environment.GetEnvironmentVariable("DOCKER_HOST");
        var path = dockerHost is null or "" ? DefaultSocket
            : dockerHost.StartsWith("unix://", StringComparison.Ordinal) ? dockerHost["unix://".Length..] : null;
        if (path is null)
        {
            why = $"DOCKER_HOST={dockerHost} is not a unix socket; only a local engine is asked";
            return null;
        }

        if (!File.Exists(path))
        {
            why = $"no Docker engine socket at {path}";
            return null;
        }

        // What the engine says (a container's log path among it) is read as root: only root's engine is believed.
        if (Config.UnixFileStatus.Of(path, followSymlinks: false) is { Kind: not Config.UnixFileKind.Socket } or { Uid: not 0 })
        {
            why = $"{path} is not a socket of root's (a symlink, or another user's): its answers are not believed";
            return null;
        }

        why = null;
        return new DockerEngine(path);
    }

    public async Task<DockerContainer?> InspectAsync(string id, CancellationToken ct)
    {
        using var doc = await GetAsync($"containers/{Uri.EscapeDataString(id)}/json", ct).ConfigureAwait(false);
        return doc is null ? null : DockerJson.Container(doc.RootElement);
    }

    /// <summary>Every container (stopped ones too), inspected (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<DockerContainer>> ListAsync(CancellationToken ct, int limit = 200)
    {
        using var doc = await GetAsync("containers/json?all=1", ct).ConfigureAwait(false);
        if (doc is null)
        {
            return [];
        }

        var ids = doc.RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()!).Take(limit).ToList();
        var all = await Task.WhenAll(ids.Select(id => InspectAsync(id, ct))).ConfigureAwait(false);
        return all.OfType<DockerContainer>().ToList();
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument?> GetAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, default, ct).ConfigureAwait(false);
    }
}
