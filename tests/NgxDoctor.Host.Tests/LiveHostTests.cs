using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Probes;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Tests;

public sealed class LiveHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void The_listener_table_finds_this_process_on_tcp_and_unix()
    {
        var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
        var path = Path.Combine(_dir, "app.sock");
        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(path));
        unix.Listen(5);
        try
        {
            var listeners = ListenerTable.Read(ProcessTable.Read());
            var t = Assert.Single(listeners, l => l.Port == port && l.Address == "127.0.0.1");
            Assert.Contains(t.Processes, p => p.Pid == Environment.ProcessId);
            Assert.Equal($"127.0.0.1:{port}", t.Display);
            var u = Assert.Single(listeners, l => l.Path == path);
            Assert.Contains(u.Processes, p => p.Pid == Environment.ProcessId);
        }
        finally
        {
            tcp.Stop();
        }
    }

    [Fact]
    public async Task Probes_tell_connected_refused_missing_stale_and_not_a_socket()
    {
        var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        var open = ((IPEndPoint)tcp.LocalEndpoint).Port;
        var timeout = TimeSpan.FromSeconds(2);
        try
        {
            Assert.Equal(ProbeOutcome.Connected, (await TcpProbe.RunAsync("t", "127.0.0.1", open, timeout)).Outcome);
        }
        finally
        {
            tcp.Stop();
        }

        var refused = await TcpProbe.RunAsync("t", "127.0.0.1", open, timeout);
        Assert.Equal(ProbeOutcome.Refused, refused.Outcome);
        Assert.Equal("connection refused (111)", refused.Detail);
        Assert.True(refused.ElapsedMs < 5000, $"refused after {refused.ElapsedMs} ms"); // generous: other tests load both cores

        var missing = await UnixSocketProbe.RunAsync("u", Path.Combine(_dir, "missing.sock"), timeout);
        Assert.Equal(ProbeOutcome.NotFound, missing.Outcome);

        var stalePath = Path.Combine(_dir, "stale.sock");
        // .NET unlinks the sockets it bound when they close, so a stale socket is left by a process that exits.
        var bind = await CommandRunner.RunAsync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", stalePath], TimeSpan.FromSeconds(10));
        Assert.Equal(0, bind.ExitCode);

        Assert.Equal(UnixFileKind.Socket, UnixFileStatus.Of(stalePath).Kind);
        Assert.Equal(ProbeOutcome.Refused, (await UnixSocketProbe.RunAsync("u", stalePath, timeout)).Outcome);

        var regular = Path.Combine(_dir, "file.sock");
        await File.WriteAllTextAsync(regular, "x");
        Assert.Equal(ProbeOutcome.NotASocket, (await UnixSocketProbe.RunAsync("u", regular, timeout)).Outcome);

        var tooLong = "/tmp/" + new string('a', 120) + ".sock";
        var longResult = await UnixSocketProbe.RunAsync("u", tooLong, timeout);
        Assert.Equal(ProbeOutcome.Error, longResult.Outcome);
        Assert.Contains("107-byte", longResult.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_ends_at_the_probe_timeout()
    {
        // A listener whose accept queue is full drops further SYNs: the kernel's own blackhole.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(c);
                using var cts = new CancellationTokenSource(300);
                try
                {
                    await c.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var clock = Stopwatch.StartNew();
            var result = await TcpProbe.RunAsync("t", "127.0.0.1", port, TimeSpan.FromMilliseconds(500));
            Assert.Equal(ProbeOutcome.TimedOut, result.Outcome);
            Assert.InRange(clock.Elapsed.TotalMilliseconds, 400, 4000);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_a_dns_failure_within_the_timeout()
    {
        var clock = Stopwatch.StartNew();
        var result = await TcpProbe.RunAsync("t", "no-such-host.invalid", 80, TimeSpan.FromSeconds(2));
        Assert.Equal(ProbeOutcome.DnsFailure, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Socket_paths_are_inspected_with_every_parent_directory()
    {
        var locked = Path.Combine(_dir, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(locked, "php.sock");
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        var link = Path.Combine(_dir, "link.sock");
        File.CreateSymbolicLink(link, path);

        var facts = SocketPathInspector.Inspect(link, UserDatabase.Load());
        Assert.Equal(path, facts.ResolvedPath);
        Assert.Equal("socket", facts.Socket!.Kind);
        Assert.Null(facts.Problem);
        Assert.Equal(locked, facts.Directories[^1].Path);
        Assert.Equal("0700", facts.Directories[^1].ModeOctal);
        Assert.Equal("/", facts.Directories[0].Path);

        var missing = SocketPathInspector.Inspect(Path.Combine(_dir, "nope", "x.sock"), UserDatabase.Load());
        Assert.Null(missing.Socket);
        Assert.Contains("does not exist", missing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void This_process_is_read_from_proc_as_ps_shows_it()
    {
        var me = NgxDoctor.Host.Proc.ProcessTable.ReadOne("/proc", Environment.ProcessId);
        Assert.NotNull(me);
        Assert.Equal(File.ReadAllText($"/proc/{Environment.ProcessId}/cmdline").Replace('\0', ' ').Trim(), me.CommandLine);
        Assert.Equal(File.ReadAllText("/proc/self/comm").Trim(), me.Name);
        Assert.Equal(int.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture), me.ParentPid);
        Assert.InRange(me.Started!.Value, DateTime.Now.AddHours(-1), DateTime.Now.AddMinutes(1));
        Assert.Null(NgxDoctor.Host.Proc.ProcessTable.ReadOne("/proc", int.MaxValue));
    }
}
