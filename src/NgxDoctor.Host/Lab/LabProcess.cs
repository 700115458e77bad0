using System.Diagnostics;
using System.Net.Sockets;

namespace NgxDoctor.Host.Lab;

/// <summary>A process a lab started, stopped by its own PID (never by name), output kept for troubleshooting.</summary>
public sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private LabProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static LabProcess Start(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = psi };
        var lab = new LabProcess(p);
        p.OutputDataReceived += (_, e) => lab.Append(e.Data);
        p.ErrorDataReceived += (_, e) => lab.Append(e.Data);
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return lab;
    }

    /// <summary>Waits until a TCP port on 127.0.0.1 or a unix socket accepts, or the process dies, or time runs out.</summary>
    public async Task WaitUntilListeningAsync(int? port, string? socketPath, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode}: {Output.Trim()}");
            }

            if (await CanConnectAsync(port, socketPath).ConfigureAwait(false) || (port is { } p && ListensInItsNamespace(p)))
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"{_process.StartInfo.FileName} (pid {Pid}) did not start listening within {timeout.TotalSeconds} s: {Output.Trim()}");
    }

    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free 127.0.0.1 port, never one handed out before in this process: a port is free only until someone binds
    /// it, so two labs (or a lab's nginx and its backend) must not be given the same one.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Whether the process's own network namespace has a TCP listener on the port (any address): for labs in a namespace of their own.</summary>
    private bool ListensInItsNamespace(int port)
    {
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            try
            {
                var suffix = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
                if (File.ReadLines($"/proc/{Pid}/net/{table}").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } f && f[1].EndsWith(suffix, StringComparison.Ordinal) && f[3] == "0A"))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        return false;
    }

    private static async Task<bool> CanConnectAsync(int? port, string? socketPath)
    {
        try
        {
            using var s = port is { } p
                ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            System.Net.EndPoint ep = port is { } pp ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pp) : new UnixDomainSocketEndPoint(socketPath!);
            await s.ConnectAsync(ep, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 32 * 1024)
            {
                _output.Append(line).Append('\n');
            }
        }
    }
}
