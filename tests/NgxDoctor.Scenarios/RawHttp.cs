using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NgxDoctor.Scenarios;

/// <summary>A request written byte for byte (HttpClient would normalise the path), answered as status and body.</summary>
public static class RawHttp
{
    /// <summary>No Host at all (an empty <paramref name="host"/>) is an HTTP/1.0 request: HTTP/1.1 requires one.</summary>
    public static async Task<(string Status, string Body)> GetAsync(int port, string host, string path)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var request = host.Length == 0 ? $"GET {path} HTTP/1.0\r\n\r\n" : $"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[8192];
        var total = new StringBuilder();
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            total.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var text = total.ToString();
        var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var at and >= 0 ? text[(at + 4)..] : "";
        return (text.Length > 12 ? text[9..12] : "?", body);
    }
}
