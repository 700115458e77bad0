using System.Text;

namespace NgxDoctor.Core.Analysis;

/// <summary>Which other protocol an answer to an HTTP/1.0 request is, from its first bytes; null when none known here.</summary>
public static class ForeignProtocol
{
    public const string Http2 = "http2";

    public static string? Of(ReadOnlySpan<byte> answer)
    {
        // An HTTP/2 server's first frame is SETTINGS on stream 0 (9-byte header: length, type 4, flags, stream id);
        // on a request that is not the client preface it adds GOAWAY (type 7).
        if (answer.Length >= 9 && answer[3] is 0x04 or 0x07 && (answer[5] & 0x7f) == 0 && answer[6] == 0 && answer[7] == 0 && answer[8] == 0
            && (answer[3] != 0x04 || ((answer[0] << 16) | (answer[1] << 8) | answer[2]) % 6 == 0))
        {
            return Http2;
        }

        var text = Encoding.ASCII.GetString(answer[..Math.Min(answer.Length, 64)]);
        return text.StartsWith("-ERR", StringComparison.Ordinal) || text.StartsWith("-NOAUTH", StringComparison.Ordinal) || text.StartsWith("-WRONGPASS", StringComparison.Ordinal) ? "redis"
            : text.StartsWith("SSH-", StringComparison.Ordinal) ? "ssh"
            : text.StartsWith("220 ", StringComparison.Ordinal) || text.StartsWith("220-", StringComparison.Ordinal) ? text.Contains("SMTP", StringComparison.OrdinalIgnoreCase) ? "smtp" : "ftp or smtp"
            : text.StartsWith("ERROR\r\n", StringComparison.Ordinal) ? "memcached"
            : answer.Length > 5 && answer[4] == 0x0a && answer[3] == 0 ? "mysql"
            : answer.Length > 5 && answer[0] == (byte)'E' && text.Contains("SFATAL", StringComparison.Ordinal) ? "postgresql"
            : null;
    }

    /// <summary>How a finding names it.</summary>
    public static string Describe(string protocol) => protocol switch
    {
        Http2 => "HTTP/2 (a SETTINGS frame: an h2c or gRPC server that does not speak HTTP/1.x)",
        "redis" => "the Redis protocol",
        "ssh" => "SSH",
        "smtp" => "SMTP",
        "ftp or smtp" => "an FTP or SMTP banner",
        "memcached" => "the memcached protocol",
        "mysql" => "the MySQL protocol",
        "postgresql" => "the PostgreSQL protocol",
        _ => protocol,
    };
}
