using System.Net;
using System.Net.Sockets;

namespace NgxDoctor.Scenarios;

/// <summary>nginx's worker run out of file descriptors for real: more idle client connections than worker_rlimit_nofile allows.</summary>
public class ResourceScenarios
{
    [SkippableFact]
    public async Task A_worker_at_its_fd_limit_is_critical_resource_exhaustion_with_the_accept_errors_as_evidence()
    {
        using var lab = new ScenarioLab();
        var port = ScenarioLab.FreePort();
        await lab.StartPythonAsync(port);
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"), "worker_rlimit_nofile 40;");

        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 60; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, lab.Port));
                clients.Add(s);
            }

            await WaitForAsync(() => File.ReadAllText(lab.Nginx.ErrorLog).Contains("(24: Too many open files)", StringComparison.Ordinal));

            var run = lab.Diagnose(snapshot);
            Assert.Equal("critical", run.Json.GetProperty("status").GetString());
            // Two views of one problem: the worker at its limit now, and the accept errors it logged.
            var findings = ScenarioLab.Findings(run);
            Assert.True(findings.All(f => f.GetProperty("cause").GetString() == "resource-exhaustion"), run.ToString());
            var evidence = string.Join("\n", findings.Select(ScenarioLab.Evidence));
            Assert.Contains("Max open files 40", evidence, StringComparison.Ordinal);
            Assert.Contains("Too many open files", evidence, StringComparison.Ordinal);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "nginx never ran out of file descriptors");
    }
}
