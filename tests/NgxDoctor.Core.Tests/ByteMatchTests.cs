using System.Text;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>A log is matched on its UTF-8 bytes; what it finds must be what matching the decoded characters finds.</summary>
public class ByteMatchTests
{
    private const string Bench = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_status $upstream_addr $upstream_response_time $request_time";

    public static TheoryData<string, string> Formats => new()
    {
        { Bench, "default" },
        { "{\"s\":\"$status\",\"r\":\"$request\",\"ua\":\"$http_user_agent\",\"us\":\"$upstream_status\"}", "json" },
        { "$status$body_bytes_sent $request_time→$request «$http_user_agent»", "default" },
        { "${time_iso8601}|${status}|$upstream_addr", "none" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_line_splits_the_same_on_its_bytes_as_on_its_characters(string text, string escape)
    {
        var format = LogFormat.Compile(text, escape);
        var random = new Random(29);
        var fits = 0;
        for (var n = 0; n < 3000; n++)
        {
            var bytes = Line(format, random);
            var line = Encoding.UTF8.GetString(bytes);
            var byBytes = new int[format.Variables.Count * 2];
            var byChars = new Range[format.Variables.Count];
            var matched = format.TryMatch(bytes, byBytes);
            Assert.Equal(format.TryMatch(line, byChars), matched);
            if (!matched)
            {
                continue;
            }

            fits++;
            for (var v = 0; v < format.Variables.Count; v++)
            {
                Assert.Equal(line[byChars[v]], Encoding.UTF8.GetString(bytes.AsSpan(byBytes[2 * v]..byBytes[(2 * v) + 1])));
            }
        }

        // Both kinds of line were made: the comparison covered matches and refusals.
        Assert.InRange(fits, 1500, 2999);
    }

    [Fact]
    public void A_parser_reads_the_same_fields_from_bytes_and_characters()
    {
        var format = LogFormat.Compile(Bench);
        var parser = new AccessLineParser(format);
        var random = new Random(5);
        for (var n = 0; n < 2000; n++)
        {
            var bytes = Line(format, random);
            var line = Encoding.UTF8.GetString(bytes);
            var ok = parser.TryParse(bytes, out var b);
            Assert.Equal(new AccessLineParser(format).TryParse(line, out var c), ok);
            if (ok)
            {
                Assert.Equal((c.Time, c.Status), (b.Time, b.Status));
                Assert.Equal(AccessLineParser.Text(line, c.UpstreamAddr), Text(bytes, b.UpstreamAddr));
                Assert.Equal(AccessLineParser.Text(line, c.Request), Text(bytes, b.Request));
                Assert.Equal(AccessLineParser.Text(line, c.UpstreamResponseTime), Text(bytes, b.UpstreamResponseTime));
            }
        }
    }

    [Fact]
    public void A_parser_asked_in_turn_for_bytes_and_characters_keeps_each_line_its_own_time()
    {
        var parser = new AccessLineParser(LogFormat.Compile(Bench));
        string Line(int second) => $"10.0.0.1 - - [28/Nov/2026:03:00:{second:00} +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\" 200 127.0.0.1:9000 0.001 0.001";
        DateTime? Chars(int second) => parser.TryParse(Line(second), out var f) ? f.Time : null;
        DateTime? Bytes(int second) => parser.TryParse(Encoding.UTF8.GetBytes(Line(second)), out var f) ? f.Time : null;

        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 1), Chars(1));
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 2), Bytes(2));
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 1), Chars(1));
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 2), Bytes(2));
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 3), Bytes(3));
    }

    [Fact]
    public void A_format_of_a_thousand_variables_splits_its_lines()
    {
        var format = LogFormat.Compile(string.Join(" ", Enumerable.Range(0, 1000).Select(i => $"$v{i}")) + " $status");
        var line = string.Join(" ", Enumerable.Range(0, 1000).Select(i => $"x{i}")) + " 502";
        var values = new Range[format.Variables.Count];
        Assert.True(format.TryMatch(line, values));
        Assert.Equal(("x0", "x999", "502"), (line[values[0]], line[values[999]], line[values[1000]]));
        Assert.Equal(502, new AccessLineParser(format).Parse(line)?.Status);
    }

    private static string? Text(byte[] line, Range? range) => range is { } r ? Encoding.UTF8.GetString(line.AsSpan(r)) : null;

    /// <summary>A line of the format, its values drawn from pieces nginx writes and bytes it should not (invalid UTF-8, separators), sometimes cut.</summary>
    private static byte[] Line(LogFormat format, Random random)
    {
        var text = new List<byte>();
        var literals = format.Literals;
        for (var v = 0; v < format.Variables.Count; v++)
        {
            text.AddRange(Encoding.UTF8.GetBytes(literals[v]));
            text.AddRange(Value(format.Variables[v], random));
        }

        text.AddRange(Encoding.UTF8.GetBytes(literals[format.Variables.Count]));
        if (random.Next(10) == 0)
        {
            text.RemoveRange(random.Next(text.Count), 1);
        }

        if (random.Next(20) == 0)
        {
            text.Add((byte)'\r');
        }

        return [.. text];
    }

    private static byte[] Value(string variable, Random random)
    {
        string[] pieces = variable switch
        {
            "status" => ["200", "502", "504", "499", "5x2", ""],
            "time_local" => ["28/Nov/2026:03:00:01 +0000", "28/Nov/2026:03:00:02 +0100", "bad"],
            "time_iso8601" => ["2026-11-28T03:00:01+00:00", "2026-11-28T03:00:01Z"],
            "upstream_status" => ["502", "502, 200", "504 : 200", "-", "502, -"],
            "upstream_addr" => ["127.0.0.1:9000", "10.0.0.1:80, 10.0.0.2:80", "unix:/run/php.sock : 127.0.0.1:81", "-", "[::1]:8080", "héllo:1"],
            "upstream_response_time" or "request_time" => ["0.012", "0.000, 0.004", "60.001 : 0.004", "-"],
            _ => ["GET /a?b=1 HTTP/1.1", "-", "Mozilla/5.0 (X11; Linux) \\x22q\\x22", "x\\\"y", "ünïcode “quotes”", "a\" b", "→«»", "a, b : c"],
        };
        var value = new List<byte>(Encoding.UTF8.GetBytes(pieces[random.Next(pieces.Length)]));
        if (random.Next(6) == 0)
        {
            // Bytes that are not UTF-8: a stray continuation, a lead byte cut short, an impossible byte.
            byte[][] bad = [[0x80], [0xE2, 0x82], [0xFF], [0xC3]];
            value.InsertRange(random.Next(value.Count + 1), bad[random.Next(bad.Length)]);
        }

        return [.. value];
    }
}
