using System.Net.Http;

namespace NgxDoctor.Host.Lab;

/// <summary>
/// The newcomer's demo: a throwaway nginx on 127.0.0.1 in front of a small HTTP backend, a request that
/// works, the backend stopped, a request that gets 502. The caller diagnoses the lab while it still runs.
/// </summary>
public sealed class DemoScenario : IDisposable
{
    private readonly NginxLab _lab;
    private LabProcess? _backend;

    private DemoScenario(NginxLab lab)
    {
        _lab = lab;
    }

    public string ConfigFile => _lab.ConfigFile;

    public int BackendPort { get; private set; }

    public static async Task<DemoScenario> StartAsync(Action<string> say)
    {
        var lab = NginxLab.Create();
        var demo = new DemoScenario(lab);
        try
        {
            await demo.RunAsync(say).ConfigureAwait(false);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    private async Task RunAsync(Action<string> say)
    {
        BackendPort = LabProcess.FreePort();
        var python = FindOnPath("python3") ?? throw new NoNginxException("the demo's backend needs python3: apt-get install python3");
        File.WriteAllText(_lab.PathOf("www/index.html"), "hello from the backend\n");
        _backend = _lab.StartProcess(python, ["-m", "http.server", "--bind", "127.0.0.1", "--directory", _lab.PathOf("www"), BackendPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await _backend.WaitUntilListeningAsync(BackendPort, null, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        say($"started a backend (python3 http.server, pid {_backend.Pid}) on 127.0.0.1:{BackendPort}");

        _lab.WriteConfig($$"""
                upstream app_backend {
                    server 127.0.0.1:{{BackendPort}} max_fails=1 fail_timeout=10s;
                }

                server {
                    listen 127.0.0.1:{{_lab.Port}};
                    server_name demo.local;
                    location / {
                        proxy_pass http://app_backend;
                        proxy_connect_timeout 2s;
                    }
                }
            """);
        await _lab.StartAsync().ConfigureAwait(false);
        say($"started nginx {_lab.Binary} (pid {_lab.Nginx!.Pid}) on 127.0.0.1:{_lab.Port}, config {_lab.ConfigFile}");
        say($"GET http://127.0.0.1:{_lab.Port}/ -> {await GetStatusAsync().ConfigureAwait(false)}");

        _backend.Stop();
        say($"stopped the backend (pid {_backend.Pid}): the classic 3 a.m. crash");
        say($"GET http://127.0.0.1:{_lab.Port}/ -> {await GetStatusAsync().ConfigureAwait(false)}");
    }

    public async Task<string> GetStatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_lab.Port}/")).ConfigureAwait(false);
            return $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException e)
        {
            return "request failed: " + e.Message;
        }
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public void Dispose() => _lab.Dispose();
}
