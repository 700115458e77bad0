using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Tests;

/// <summary>The accept queue of a real listening unix socket, as the kernel's sock_diag tells it.</summary>
public sealed class UnixQueuesTests
{
    [Fact]
    public void A_sock_diag_answer_gives_each_listening_sockets_queue_and_backlog_until_the_dumps_end()
    {
        // nlmsghdr (16) + unix_diag_msg (16) + rtattr UNIX_DIAG_RQLEN (4 + 8), as the kernel writes them; then NLMSG_DONE.
        var m = new byte[44 + 20];
        BinaryPrimitives.WriteUInt32LittleEndian(m, 44);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), 20);
        m[16] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(20), 4242);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(32), 12);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(34), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(36), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(40), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(44), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(48), 3);
        var into = new Dictionary<ulong, (int, int)>();
        Assert.False(UnixQueues.Parse(m, into));
        Assert.Equal((3, 2), into[4242]);
        Assert.True(UnixQueues.Parse(m.AsSpan(0, 44), into));
    }

    [SkippableFact]
    public void A_listening_unix_socket_with_two_connections_not_yet_accepted_shows_them_and_its_backlog()
    {
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-uq-").FullName;
        try
        {
            var path = Path.Combine(dir, "s.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(5);
            var inode = Inode(listener);
            Skip.IfNot(UnixQueues.Read(TimeSpan.FromSeconds(2)).ContainsKey(inode), "this kernel's sock_diag has no unix_diag (CONFIG_UNIX_DIAG): unix queues are not told");
            Assert.Equal((0, 5), UnixQueues.Read(TimeSpan.FromSeconds(2))[inode]);

            using var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var b = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            a.Connect(new UnixDomainSocketEndPoint(path));
            b.Connect(new UnixDomainSocketEndPoint(path));
            Assert.Equal((2, 5), UnixQueues.Read(TimeSpan.FromSeconds(2))[inode]);
            using var accepted = listener.Accept();
            Assert.Equal((1, 5), UnixQueues.Read(TimeSpan.FromSeconds(2))[inode]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static ulong Inode(Socket s)
    {
        var link = new FileInfo("/proc/self/fd/" + s.SafeHandle.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture)).LinkTarget!;
        return ulong.Parse(link["socket:[".Length..^1], CultureInfo.InvariantCulture);
    }
}
