using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// One DNS question (A or AAAA, recursion desired) and the addresses of its answer, in the wire format of RFC 1035:
/// what a namespaced lookup sends over a socket made inside nginx's network namespace.
/// </summary>
public static class DnsWire
{
    public const int TypeA = 1;
    public const int TypeAaaa = 28;

    public static byte[] Query(ushort id, string name, int type)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var b = Encoding.ASCII.GetBytes(label);
            if (b.Length is 0 or > 63)
            {
                throw new ArgumentException($"not a DNS name: {name}");
            }

            bytes.Add((byte)b.Length);
            bytes.AddRange(b);
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }

    /// <summary>The response code and the A/AAAA addresses of an answer to question <paramref name="id"/>; null when it is not one.</summary>
    public static (int Code, List<IPAddress> Addresses)? Answer(ReadOnlySpan<byte> m, ushort id)
    {
        if (m.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(m) != id || (m[2] & 0x80) == 0)
        {
            return null;
        }

        var code = m[3] & 0x0f;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(m[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(m[6..]);
        var at = 12;
        for (var q = 0; q < questions; q++)
        {
            at = SkipName(m, at) + 4;
        }

        var list = new List<IPAddress>();
        for (var a = 0; a < answers && at >= 0 && at + 10 <= m.Length; a++)
        {
            at = SkipName(m, at);
            if (at < 0 || at + 10 > m.Length)
            {
                break;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(m[at..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(m[(at + 8)..]);
            at += 10;
            if (at + length > m.Length)
            {
                break;
            }

            if ((type == TypeA && length == 4) || (type == TypeAaaa && length == 16))
            {
                list.Add(new IPAddress(m.Slice(at, length)));
            }

            at += length;
        }

        return (code, list);
    }

    private static int SkipName(ReadOnlySpan<byte> m, int at)
    {
        while (at >= 0 && at < m.Length)
        {
            var len = m[at];
            if ((len & 0xc0) == 0xc0)
            {
                return at + 2;
            }

            if (len == 0)
            {
                return at + 1;
            }

            at += len + 1;
        }

        return -1;
    }
}
