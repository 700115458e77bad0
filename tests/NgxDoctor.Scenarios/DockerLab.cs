using System.Diagnostics;
using System.Globalization;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Real containers for a scenario: a Docker network with an explicit subnet of its own, containers of the image
/// tests/containers/build-image.sh made from this machine's files (test.sh builds it; nothing is pulled). Everything
/// is removed by id on Dispose, also when the test failed.
/// </summary>
public sealed class DockerLab : IDisposable
{
    public const string Image = "ngxdoctor-test:local";
    private readonly List<string> _containers = [];
    private readonly string _prefix = "ngxd" + Guid.NewGuid().ToString("N")[..6];

    public DockerLab()
    {
        var why = Why();
        Skip.If(why is not null, why);
        Directory = System.IO.Directory.CreateTempSubdirectory("ngxdoctor-docker-").FullName;
        var octet = Random.Shared.Next(16, 250);
        Subnet = $"10.213.{octet}.0/24";
        NetworkId = Docker("network", "create", "--subnet", Subnet, _prefix).Trim();
    }

    public string Directory { get; } = "";

    public string Subnet { get; } = "";

    public string NetworkId { get; } = "";

    /// <summary>Why the Docker scenarios cannot run here (no docker CLI, no engine, no image), else null.</summary>
    public static string? Why()
    {
        try
        {
            Run("docker", TimeSpan.FromSeconds(20), "version", "--format", "{{.Server.Version}}");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"no Docker engine here ({e.Message.Split('\n')[0]}): test.sh starts dockerd where it can";
        }

        try
        {
            Run("docker", TimeSpan.FromSeconds(20), "image", "inspect", Image);
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"no image {Image}: test.sh builds it with tests/containers/build-image.sh";
        }
    }

    /// <summary>A name unique to this lab (containers are named, so that names can be asserted on).</summary>
    public string Name(string role) => $"{_prefix}-{role}";

    /// <summary>Starts a container of the test image on the lab's network (unless <paramref name="options"/> says otherwise); returns its id.</summary>
    public string Start(string role, IReadOnlyList<string> options, params string[] command)
    {
        var id = Docker(["run", "-d", "--name", Name(role), .. options, Image, .. command]).Trim();
        _containers.Add(id);
        return id;
    }

    /// <summary>The usual container on the lab network, answering to <paramref name="alias"/>.</summary>
    public string StartOnNetwork(string role, string alias, IReadOnlyList<string> extra, params string[] command) =>
        Start(role, ["--network", NetworkId, "--network-alias", alias, .. extra], command);

    public string Nginx(string role, string config, IReadOnlyList<string>? extra = null)
    {
        var file = Path.Combine(Directory, role + ".conf");
        File.WriteAllText(file, config);
        return StartOnNetwork(role, role, ["-v", $"{file}:/etc/nginx/nginx.conf:ro", .. extra ?? []], "/usr/sbin/nginx", "-g", "daemon off;");
    }

    public int Pid(string id) => int.Parse(Docker("inspect", "-f", "{{.State.Pid}}", id).Trim(), CultureInfo.InvariantCulture);

    public string Ip(string id) => Docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id).Trim();

    /// <summary>A GET from inside a container (its python), retried until it answers (with <paramref name="until"/>: that status) or 15 s pass; returns the status.</summary>
    public int Get(string id, string url, int? until = null)
    {
        const string Script = "import sys, urllib.request, urllib.error\ntry:\n    print(urllib.request.urlopen(sys.argv[1], timeout=10).status)\nexcept urllib.error.HTTPError as e:\n    print(e.code)\nexcept Exception as e:\n    print(0)";
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var status = int.Parse(Docker("exec", id, "python3", "-c", Script, url).Trim(), CultureInfo.InvariantCulture);
            if ((status != 0 && (until is null || status == until)) || DateTime.UtcNow > deadline)
            {
                return status;
            }

            Thread.Sleep(200);
        }
    }

    /// <summary>Waits until something accepts on 127.0.0.1:<paramref name="port"/> inside the container's network namespace.</summary>
    public void WaitForPort(string id, int port)
    {
        var script = $"import socket, time\nfor _ in range(150):\n    try:\n        socket.create_connection(('127.0.0.1', {port}), 1).close(); break\n    except OSError:\n        time.sleep(0.1)";
        Docker("exec", id, "python3", "-c", script);
    }

    public string Docker(params string[] args) => Run("docker", TimeSpan.FromSeconds(60), args);

    /// <summary>A docker command whose exit code is the result (ngxdoctor's own, through docker exec).</summary>
    public int DockerExit(out string stdout, params string[] args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish");
        }

        stdout = output.Result;
        return p.ExitCode;
    }

    public void Dispose()
    {
        foreach (var id in _containers)
        {
            Try(() => Run("docker", TimeSpan.FromSeconds(60), "rm", "-f", "-v", id));
        }

        if (NetworkId.Length > 0)
        {
            Try(() => Run("docker", TimeSpan.FromSeconds(60), "network", "rm", NetworkId));
        }

        if (Directory.Length > 0)
        {
            Try(() => System.IO.Directory.Delete(Directory, true));
        }
    }

    private static void Try(Action a)
    {
        try
        {
            a();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"DockerLab cleanup: {e.Message}");
        }
    }

    private static string Run(string file, TimeSpan timeout, params string[] args) => Namespaces.Run(file, timeout, args);
}
