using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Tests;

/// <summary>Sockets made for another network namespace are there, and nothing of ngxdoctor's own is ever left in one.</summary>
public sealed class NamespaceTests : IDisposable
{
    private readonly Process _holder;
    private readonly string _nsPath;
    private readonly ulong _inode;

    public NamespaceTests()
    {
        // A process of a fresh network namespace, holding it open; stopped by its pid.
        _holder = Process.Start(new ProcessStartInfo("unshare", ["--net", "sh", "-c", "ip link set lo up; python3 -m http.server 18391 --bind 127.0.0.1"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _nsPath = $"/proc/{_holder.Id}/ns/net";
        var own = ProcNamespaces.InodeOf("/proc/self/ns/net");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ulong? inode;
        while ((inode = ProcNamespaces.InodeOf(_nsPath)) == own && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        _inode = inode ?? throw new InvalidOperationException("the namespace holder did not start");
        WaitForPort(18391);
    }

    public void Dispose()
    {
        _holder.Kill(entireProcessTree: true);
        _holder.WaitForExit();
        _holder.Dispose();
    }

    [Fact]
    public void After_a_thousand_namespace_switches_every_socket_is_where_it_was_asked_for_and_nothing_leaked()
    {
        var own = ProcNamespaces.InodeOf("/proc/self/ns/net");
        var fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
        var threadsBefore = Threads();
        for (var i = 0; i < 1000; i++)
        {
            using var ns = NetworkNamespace.Enter(_nsPath, _inode);
            using var inside = ns.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Assert.Equal(_inode, NetworkNamespace.Of(inside));
        }

        var outside = Enumerable.Range(0, 50).AsParallel().Select(_ =>
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            return NetworkNamespace.Of(s);
        }).ToList();
        Assert.All(outside, n => Assert.Equal(own, n));
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, fdsBefore + 5);
        Assert.InRange(Threads(), 0, threadsBefore + 5);
    }

    [Fact]
    public async Task A_probe_from_the_namespace_reaches_the_server_only_it_has()
    {
        using var vantage = new Vantage(NetworkNamespace.Enter(_nsPath, _inode), InstanceRoot.Host);
        var inside = await NgxDoctor.Host.Probes.TcpProbe.RunAsync("127.0.0.1:18391", "127.0.0.1", 18391, TimeSpan.FromSeconds(2), default, vantage);
        var here = await NgxDoctor.Host.Probes.TcpProbe.RunAsync("127.0.0.1:18391", "127.0.0.1", 18391, TimeSpan.FromSeconds(2));
        Assert.Equal(NgxDoctor.Core.Facts.ProbeOutcome.Connected, inside.Outcome);
        Assert.Equal(NgxDoctor.Core.Facts.ProbeOutcome.Refused, here.Outcome);
    }

    [Fact]
    public async Task A_socket_asked_while_the_namespace_thread_is_busy_holds_no_thread_of_the_caller()
    {
        using var ns = NetworkNamespace.Enter(_nsPath, _inode);
        using var gate = new ManualResetEventSlim();
        var busy = ns.RunAsync(() => gate.Wait(TimeSpan.FromSeconds(30)));
        try
        {
            // Thousands of probes ask for their sockets at once: a caller that waited would hold a thread of the pool each.
            Task<Socket>? asked = null;
            var caller = new Thread(() => asked = ns.SocketAsync(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            caller.Start();
            Assert.True(caller.Join(TimeSpan.FromSeconds(5)), "SocketAsync waited for the namespace's thread");
            Assert.False(asked!.IsCompleted);
            gate.Set();
            Assert.True(await busy);
            using var socket = await asked.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(_inode, NetworkNamespace.Of(socket));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void Entering_a_namespace_that_is_gone_says_so()
    {
        var e = Assert.ThrowsAny<IOException>(() => NetworkNamespace.Enter("/proc/999999999/ns/net", 1));
        Assert.Contains("999999999", e.Message, StringComparison.Ordinal);
    }

    private static int Threads() => int.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private void WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using var ns = NetworkNamespace.Enter(_nsPath, _inode);
            using var s = ns.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Connect(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException("the server in the namespace did not start");
    }
}
