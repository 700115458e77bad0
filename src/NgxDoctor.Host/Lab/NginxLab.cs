using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Host.Lab;

/// <summary>
/// A throwaway nginx under a temporary prefix on 127.0.0.1: its own config, logs, pid and temp paths,
/// workers as nobody when run as root. Never touches the host's nginx or port 80.
/// </summary>
public sealed class NginxLab : IDisposable
{
    private readonly List<LabProcess> _processes = [];

    private NginxLab(string root, string binary)
    {
        Root = root;
        Binary = binary;
        Port = LabProcess.FreePort();
    }

    public string Root { get; }

    public string Binary { get; }

    /// <summary>The port nginx listens on (127.0.0.1).</summary>
    public int Port { get; }

    public string ConfigFile => Path.Combine(Root, "conf", "nginx.conf");

    public string ErrorLog => Path.Combine(Root, "logs", "error.log");

    public LabProcess? Nginx { get; private set; }

    /// <summary>A command every process of the lab is started under (e.g. `ip netns exec NS`); it must exec, keeping the PID.</summary>
    public IReadOnlyList<string> Wrapper { get; set; } = [];

    public static NginxLab Create(string? binary = null)
    {
        var nginx = NginxBinary.Locate(binary) ?? throw new NoNginxException("no nginx binary found: install it with `sudo apt-get install -y nginx` (Debian/Ubuntu), or name one in NGXDOCTOR_NGINX");
        var root = Directory.CreateTempSubdirectory("ngxdoctor-lab-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0x1ed); // 0755: workers (nobody) must reach sockets inside
        foreach (var d in new[] { "conf", "logs", "tmp", "run", "www" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        return new NginxLab(root, nginx);
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Writes conf/nginx.conf: a standard main/events/http frame around <paramref name="httpBody"/>.</summary>
    public void WriteConfig(string httpBody, string mainExtra = "", int workerConnections = 256)
    {
        var user = Environment.UserName == "root" ? "user nobody nogroup;\n" : "";
        var text = $$"""
            {{user}}worker_processes 1;
            pid {{Root}}/run/nginx.pid;
            error_log {{Root}}/logs/error.log info;
            {{mainExtra}}
            events {
                worker_connections {{workerConnections}};
            }

            http {
                access_log {{Root}}/logs/access.log;
                client_body_temp_path {{Root}}/tmp/body;
                proxy_temp_path {{Root}}/tmp/proxy;
                fastcgi_temp_path {{Root}}/tmp/fastcgi;
                uwsgi_temp_path {{Root}}/tmp/uwsgi;
                scgi_temp_path {{Root}}/tmp/scgi;
            {{httpBody}}
            }

            """;
        File.WriteAllText(ConfigFile, text);
    }

    public async Task StartAsync()
    {
        Nginx = StartProcess(Binary, ["-p", Root, "-c", ConfigFile, "-e", ErrorLog, "-g", "daemon off;"]);
        await Nginx.WaitUntilListeningAsync(Port, null, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>Starts a process that belongs to this lab (a backend) and stops it when the lab is disposed.</summary>
    public LabProcess StartProcess(string file, IEnumerable<string> args)
    {
        var p = Wrapper.Count == 0 ? LabProcess.Start(file, args, Root) : LabProcess.Start(Wrapper[0], [.. Wrapper.Skip(1), file, .. args], Root);
        _processes.Add(p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in Enumerable.Reverse(_processes))
        {
            p.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A socket file being removed by its dying owner; the temp dir is left for the OS.
        }
    }
}
