using System.Diagnostics;
using System.Text.Json;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Debian's Prometheus (package prometheus) as the consumer of /metrics: a server of the test's own scraping one
/// target every second, asked through its HTTP API; and promtool, its checker of metrics and rule files.
/// </summary>
public sealed class RealPrometheus : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Tool = "/usr/bin/promtool";
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-prom-").FullName;
    private readonly Process _process;
    private readonly int _port = ScenarioLab.FreePort();

    public RealPrometheus(int targetPort)
    {
        Skip.IfNot(File.Exists(Binary) && File.Exists(Tool), "Prometheus is not installed (apt-get install prometheus; ./test.sh installs it)");
        var config = Path.Combine(_dir, "prometheus.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ngxdoctor\n    static_configs:\n      - targets: ['127.0.0.1:{ScenarioLab.Str(targetPort)}']\n");
        _process = Process.Start(new ProcessStartInfo(Binary, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir, "data")}",
            $"--web.listen-address=127.0.0.1:{ScenarioLab.Str(_port)}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>The instant vector an expression gives; with <paramref name="wait"/>, once it is not empty (up to 30 s).</summary>
    public async Task<List<JsonElement>> QueryAsync(string expression, bool wait = true)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < (wait ? 60 : 1); i++)
        {
            try
            {
                var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ScenarioLab.Str(_port)}/api/v1/query?query={Uri.EscapeDataString(expression)}"));
                var result = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToList();
                if (result.Count > 0)
                {
                    return result;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        return [];
    }

    /// <summary>promtool's verdict on a file (`check rules FILE`, `check metrics` of a text on stdin): its exit code and output.</summary>
    public static (int Exit, string Output) Check(string[] args, string? stdin = null)
    {
        using var p = Process.Start(new ProcessStartInfo(Tool, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }

        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit(30_000);
        return (p.ExitCode, output.Result + error);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Directory.Delete(_dir, true);
    }
}
