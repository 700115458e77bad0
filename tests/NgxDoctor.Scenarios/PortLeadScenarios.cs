using System.Net;
using System.Net.Sockets;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// A real gunicorn one port off the address nginx passes to (issue 26): what `ss -tlnp` shows a person is named as a
/// lead in the upstream-down finding, with its evidence; not a wrong-address candidate, so `fix` repoints nothing.
/// </summary>
public sealed class PortLeadScenarios
{
    private const string Gunicorn = "/usr/bin/gunicorn";

    /// <summary>A free port whose next one is free too.</summary>
    private static int FreePair()
    {
        for (var i = 0; i < 50; i++)
        {
            var port = ScenarioLab.FreePort();
            try
            {
                var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                next.Stop();
                return port;
            }
            catch (SocketException)
            {
                // taken: another pair
            }
        }

        throw new InvalidOperationException("no two free ports side by side");
    }

    [SkippableFact]
    public async Task An_app_server_one_port_off_is_named_as_a_lead_never_repointed_to()
    {
        Skip.IfNot(File.Exists(Gunicorn), "gunicorn is not installed (apt-get install -y gunicorn; ./test.sh installs it)");
        using var lab = new ScenarioLab();
        File.WriteAllText(lab.Nginx.PathOf("www/app.py"), "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'ok']\n");
        var port = FreePair();
        var g = lab.Nginx.StartProcess(Gunicorn, ["-w", "1", "-b", $"127.0.0.1:{ScenarioLab.Str(port + 1)}", "--chdir", lab.Nginx.PathOf("www"), "app:app"]);
        await g.WaitUntilListeningAsync(port + 1, null, TimeSpan.FromSeconds(20));
        var snapshot = await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(port)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var run = lab.Diagnose(snapshot);
        var down = ScenarioLab.Only(run, "upstream-down");
        Assert.Contains($"a lead, not proof: gunicorn", ScenarioLab.Evidence(down), StringComparison.Ordinal);
        Assert.Contains($"listens on 127.0.0.1:{ScenarioLab.Str(port + 1)}, one port off", ScenarioLab.Evidence(down), StringComparison.Ordinal);
        Assert.Contains("check whether it is the backend meant", down.GetProperty("remedy").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }
}
