using System.Buffers.Binary;
using System.Net.Sockets;

namespace NgxDoctor.Host.Proc;

/// <summary>
/// The accept queues of listening unix sockets, which /proc/net/unix does not show: asked of the kernel over
/// netlink (sock_diag, UNIX_DIAG_RQLEN, as `ss -xl` does), in the caller's network namespace. Per inode: the
/// connections waiting to be accepted and the backlog. Empty when the kernel does not answer (no sock_diag module).
/// </summary>
public static class UnixQueues
{
    private const int AfNetlink = 16, NetlinkSockDiag = 4;
    private const ushort SockDiagByFamily = 20;
    private const ushort Done = 3, Error = 2;
    private const int UnixDiagRqlen = 4;

    public static IReadOnlyDictionary<ulong, (int Queue, int Backlog)> Read(TimeSpan timeout)
    {
        var result = new Dictionary<ulong, (int, int)>();
        try
        {
            using var s = new Socket((AddressFamily)AfNetlink, SocketType.Raw, (ProtocolType)NetlinkSockDiag);
            s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
            s.Send(Request());
            var buffer = new byte[64 * 1024];
            for (var reads = 0; reads < 1000; reads++)
            {
                var n = s.Receive(buffer);
                if (n <= 0 || !Parse(buffer.AsSpan(0, n), result))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or NotSupportedException or PlatformNotSupportedException)
        {
        }

        return result;
    }

    /// <summary>nlmsghdr + unix_diag_req: every listening unix socket (state TCP_LISTEN), with its queue lengths.</summary>
    private static byte[] Request()
    {
        var m = new byte[40];
        BinaryPrimitives.WriteUInt32LittleEndian(m, 40);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), 0x1 | 0x300); // NLM_F_REQUEST | NLM_F_DUMP
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 1);
        m[16] = 1; // AF_UNIX
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(20), 1u << 10); // TCP_LISTEN
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(28), 0x10); // UDIAG_SHOW_RQLEN
        return m;
    }

    /// <summary>The messages of one read; false at the dump's end (or an error).</summary>
    public static bool Parse(ReadOnlySpan<byte> data, Dictionary<ulong, (int, int)> into)
    {
        while (data.Length >= 16)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (len < 16 || len > data.Length || type is Done or Error)
            {
                return false;
            }

            var msg = data[16..len];
            if (type == SockDiagByFamily && msg.Length >= 16)
            {
                var inode = BinaryPrimitives.ReadUInt32LittleEndian(msg[4..]);
                for (var attrs = msg[16..]; attrs.Length >= 4;)
                {
                    var alen = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
                    if (alen < 4 || alen > attrs.Length)
                    {
                        break;
                    }

                    if (BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]) == UnixDiagRqlen && alen >= 12)
                    {
                        into[inode] = ((int)BinaryPrimitives.ReadUInt32LittleEndian(attrs[4..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(attrs[8..]));
                    }

                    attrs = attrs[Math.Min(attrs.Length, (alen + 3) & ~3)..];
                }
            }

            data = data[Math.Min(data.Length, (len + 3) & ~3)..];
        }

        return true;
    }
}
