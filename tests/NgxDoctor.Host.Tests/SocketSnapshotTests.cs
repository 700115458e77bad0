using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Tests;

/// <summary>The sockets read before ngxdoctor's probes: a connection made afterwards is neither queued nor counted in them.</summary>
public sealed class SocketSnapshotTests : IDisposable
{
    private readonly Process _server;
    private readonly int _port;

    public SocketSnapshotTests()
    {
        // A listener that never accepts: a connection to it waits in its accept queue. Stopped by its pid.
        const string Script = "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(8)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)";
        _server = Process.Start(new ProcessStartInfo("python3", ["-c", Script]) { RedirectStandardOutput = true })!;
        _port = int.Parse(_server.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
    }

    [Fact]
    public void A_connection_made_after_the_snapshot_is_not_in_the_accept_queue_nor_the_connection_counts()
    {
        var snapshot = SocketSnapshot.Read("/proc", "/proc");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, _port));
        var processes = ProcessTable.Read();

        var then = Assert.Single(snapshot.Listeners(processes, "/proc")!, l => l.Port == _port);
        Assert.Equal(0, then.AcceptQueue);
        Assert.Contains(then.Processes, p => p.Pid == _server.Id);
        Assert.DoesNotContain(ConnectionTable.Read(new HashSet<int> { _port }, [], snapshot.Tables), c => c.Remote == $"127.0.0.1:{_port}");

        // The same read now sees the connection: what the snapshot leaves out is there to be left out.
        var now = Assert.Single(ListenerTable.Read(processes), l => l.Port == _port);
        Assert.Equal(1, now.AcceptQueue);
        Assert.Contains(ConnectionTable.Read(new HashSet<int> { _port }, [], TcpTables.Read()), c => c.Remote == $"127.0.0.1:{_port}" && c.Established == 1);
    }

    [Fact]
    public void The_listeners_leave_out_ngxdoctors_own_and_keep_their_owners()
    {
        var own = new TcpListener(IPAddress.Loopback, 0);
        own.Start();
        try
        {
            var ownPort = ((IPEndPoint)own.LocalEndpoint).Port;
            var listeners = SocketSnapshot.Read("/proc", "/proc").Listeners(ProcessTable.Read(), "/proc")!;
            Assert.DoesNotContain(listeners, l => l.Port == ownPort);
            Assert.Contains(listeners, l => l.Port == _port && l.Processes.Any(p => p.Pid == _server.Id));
            Assert.Contains(ListenerTable.Read(ProcessTable.Read()), l => l.Port == ownPort && l.Processes.Any(p => p.Pid == Environment.ProcessId));
        }
        finally
        {
            own.Stop();
        }
    }
}
