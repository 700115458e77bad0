using System.Net;

namespace NgxDoctor.Core.Facts;

/// <summary>Whether an address is inside "10.0.0.0/8", "::1/128" or equals a plain address.</summary>
public static class Cidr
{
    public static bool Contains(string network, string address)
    {
        var slash = network.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? network : network[..slash], out var net) || !IPAddress.TryParse(address, out var ip))
        {
            return string.Equals(network, address, StringComparison.OrdinalIgnoreCase);
        }

        var a = net.GetAddressBytes();
        var b = ip.GetAddressBytes();
        if (a.Length != b.Length)
        {
            return false;
        }

        var bits = slash < 0 ? a.Length * 8 : int.TryParse(network[(slash + 1)..], out var n) ? n : a.Length * 8;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
