using System.Text;
using NgxDoctor.Core.Logs;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Tests;

/// <summary>The scanner counts ordinary lines on their bytes and hands the rest to the aggregator as text: the report must be the one a line-by-line text read gives.</summary>
public sealed class ByteScanTests : IDisposable
{
    private const string Format = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_status $upstream_addr $upstream_response_time";
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-bytes-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_scan_on_bytes_reports_what_adding_every_decoded_line_reports()
    {
        var path = Path.Combine(_dir, "access.log");
        File.WriteAllBytes(path, Log(new Random(11), 20_000));
        var t0 = new DateTime(2026, 11, 28, 1, 0, 0);

        var keys = new FailureKeys();
        var scanned = new AccessAggregator(keys);
        var scan = AccessLogScanner.Scan(path, new AccessLineParser(LogFormat.Compile(Format)), t0, t0.AddMinutes(30), scanned, keys, long.MaxValue);

        var byText = new AccessAggregator(keys);
        var parser = new AccessLineParser(LogFormat.Compile(Format));
        using (var reader = LogLineReader.Open(path))
        {
            while (reader.TryRead(out var line))
            {
                if (parser.TryParse(line.Text, out var f) && f.Time is { } t && t >= t0 && t <= t0.AddMinutes(30))
                {
                    byText.Add(line.Text, f, path, line.Number);
                }
            }
        }

        var expected = Json(byText, scan, t0);
        Assert.Equal(expected, Json(scanned, scan, t0));
        // The log exercised both paths: upstreams counted as bytes, one only as text (not ASCII), failures and lines outside the window.
        Assert.Contains("127.0.0.1:9001", expected, StringComparison.Ordinal);
        Assert.Contains("h\\u00E9llo:1", expected, StringComparison.Ordinal);
        Assert.Contains("\"status\": 502", expected, StringComparison.Ordinal);
        Assert.True(scan.Entries < scan.Lines - scan.Unrecognized);
    }

    private static string Json(AccessAggregator aggregator, Core.Facts.LogScan scan, DateTime t0) =>
        Core.NgxJson.Serialize(new Core.Facts.LogFacts(t0, TimeSpan.FromHours(1), [scan], []) { Access = aggregator.Build([scan]) });

    private static byte[] Log(Random random, int lines)
    {
        var t0 = new DateTime(2026, 11, 28, 0, 55, 0);
        var log = new List<byte>();
        string[] addrs = ["127.0.0.1:9001", "127.0.0.1:9002, 127.0.0.1:9001", "unix:/run/php.sock : 127.0.0.1:9003", "-", "h\u00e9llo:1"];
        string[] times = ["0.012", "0.000, 0.004", "60.001 : 0.004", "-"];
        for (var i = 0; i < lines; i++)
        {
            var status = random.Next(12) switch { 0 => 502, 1 => 504, 2 => 499, 3 => 500, 4 => 404, _ => 200 };
            var upstream = random.Next(3) == 0 ? "502, " + status : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var ua = random.Next(8) == 0 ? "caf\u00e9 \\x22x\\x22" : "curl/8.0";
            var line = $"10.0.0.{i % 200} - - [{t0.AddSeconds(i / 5):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p/{random.Next(500)}?q=1 HTTP/1.1\" {status} 12 \"-\" \"{ua}\" {upstream} {addrs[random.Next(addrs.Length)]} {times[random.Next(times.Length)]}";
            var bytes = Encoding.UTF8.GetBytes(line).ToList();
            if (random.Next(10) == 0)
            {
                bytes.Insert(bytes.IndexOf((byte)'"') + 1, 0xFF);
            }

            log.AddRange(bytes);
            log.AddRange(random.Next(5) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            if (i % 4999 == 0)
            {
                log.AddRange("garbage line\n"u8.ToArray());
            }
        }

        return [.. log];
    }
}
