using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

public class AccessLogTests
{
    private const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
    private const string Bench = Combined + " $upstream_status $upstream_response_time $request_time";

    [Fact]
    public void Combined_lines_are_split_into_fields()
    {
        var p = new AccessLineParser(LogFormat.Compile(Combined));
        var r = p.Parse("127.0.0.1 - alice [28/Nov/2026:03:00:01 +0000] \"GET /a/b?x=1 HTTP/1.1\" 502 157 \"https://r/\" \"Mozilla/5.0 (X11; Linux) \\x22quoted\\x22\"")!;
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 1), r.Time);
        Assert.Equal(502, r.Status);
        Assert.Equal("GET /a/b?x=1 HTTP/1.1", r.Request);
        Assert.Equal("/a/b", r.Path);
        Assert.Equal("127.0.0.1", r.Client);
        Assert.Null(r.UpstreamStatus);
    }

    [Theory]
    [InlineData("502, 200", "0.000, 0.012", "200", 0.012)]
    [InlineData("502", "0.001", "502", 0.001)]
    [InlineData("502, 502", "0.001, 0.000", "502", 0.0)]
    [InlineData("504 : 200", "60.001 : 0.004", "200", 0.004)]
    public void Multi_value_upstream_fields_keep_their_spaces_and_the_last_value_counts(string us, string urt, string last, double seconds)
    {
        var p = new AccessLineParser(LogFormat.Compile(Bench));
        var r = p.Parse($"10.0.0.1 - - [28/Nov/2026:03:00:01 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.0\" {us} {urt} 0.013")!;
        Assert.Equal(us, r.UpstreamStatus);
        Assert.Equal(urt, r.UpstreamResponseTime);
        Assert.Equal(last, AccessRecord.Last(r.UpstreamStatus));
        Assert.Equal(seconds, AccessRecord.Seconds(r.UpstreamResponseTime));
        Assert.Equal(0.013, r.RequestTime);
    }

    [Fact]
    public void Escape_json_values_may_hold_escaped_quotes()
    {
        var f = LogFormat.Compile("{\"status\":\"$status\",\"request\":\"$request\",\"ua\":\"$http_user_agent\",\"us\":\"$upstream_status\"}", "json");
        var r = new AccessLineParser(f).Parse("{\"status\":\"504\",\"request\":\"GET /q?a=\\\"b\\\" HTTP/1.1\",\"ua\":\"x\\\"y\",\"us\":\"504\"}")!;
        Assert.Equal(504, r.Status);
        Assert.Equal("GET /q?a=\\\"b\\\" HTTP/1.1", r.Request);
        Assert.Equal("504", r.UpstreamStatus);
        Assert.Null(f.Warning);
        Assert.NotNull(LogFormat.Compile(Combined, "none").Warning);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage line")]
    [InlineData("1.2.3.4 - - [28/Nov/2026:03:00:01 +0000] \"GET / HTTP/1.1\" abc 1 \"-\" \"-\"")]
    [InlineData("1.2.3.4 - - [28/Nov/2026:03:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\"")]
    public void Lines_that_do_not_fit_are_rejected(string line) => Assert.Null(new AccessLineParser(LogFormat.Compile(Combined)).Parse(line));

    [Fact]
    public void Braced_variables_and_iso_times_are_understood()
    {
        var f = LogFormat.Compile("${time_iso8601}|${status}|$upstream_addr");
        Assert.Equal(["time_iso8601", "status", "upstream_addr"], f.Variables);
        var r = new AccessLineParser(f).Parse("2026-11-28T03:00:01+00:00|503|unix:/run/php.sock")!;
        Assert.Equal(new DateTime(2026, 11, 28, 3, 0, 1), r.Time);
        Assert.Equal("unix:/run/php.sock", r.UpstreamAddr);
    }

    [Fact]
    public void Backend_5xx_are_told_apart_from_nginx_failures_with_the_error_log()
    {
        var keys = new FailureKeys();
        keys.Add(ErrorLogParser.Parse("2026/11/28 03:00:01 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET /down HTTP/1.1\", upstream: \"http://127.0.0.1:9/down\"")!);
        var agg = new AccessAggregator(keys);
        var p = new AccessLineParser(LogFormat.Compile(Combined + " $upstream_status $upstream_addr"));
        string[] lines =
        [
            "10.0.0.1 - - [28/Nov/2026:03:00:01 +0000] \"GET /down HTTP/1.1\" 502 157 \"-\" \"c\" 502 127.0.0.1:9",
            "10.0.0.1 - - [28/Nov/2026:03:00:02 +0000] \"GET /app HTTP/1.1\" 502 20 \"-\" \"c\" 502 127.0.0.1:7",
            "10.0.0.1 - - [28/Nov/2026:03:00:03 +0000] \"GET /ok HTTP/1.1\" 200 20 \"-\" \"c\" 200 127.0.0.1:7",
        ];
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(p.TryParse(lines[i], out var fields));
            agg.Add(lines[i], fields, "a", i + 1);
        }

        var facts = agg.Build([]);
        var backend = Assert.Single(facts.BackendErrors);
        Assert.Equal("127.0.0.1:7", backend.Upstream);
        Assert.Equal("a:2", backend.Samples[0].Source);
        var minute = Assert.Single(facts.Minutes);
        Assert.Equal((3, 2, 1), (minute.Requests, minute.Status502, minute.BackendGenerated));
        var down = facts.Upstreams.Single(u => u.Upstream == "127.0.0.1:9");
        Assert.Equal((1, 1, 0), (down.NginxGenerated, down.Errors5xx, down.BackendGenerated));
        Assert.Equal([("/down", 1), ("/app", 1)], facts.TopErrorPaths.Select(x => (x.Path, x.Count)).OrderByDescending(x => x.Path));
    }

    [Fact]
    public void A_5xx_with_no_error_line_is_counted_per_status_and_says_whether_it_could_be_attributed()
    {
        var keys = new FailureKeys();
        keys.Add(ErrorLogParser.Parse("2026/11/28 03:00:01 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET /down HTTP/1.1\", upstream: \"http://127.0.0.1:9/down\"")!);
        Assert.Empty(Unlogged(keys, Combined + " $upstream_status $upstream_addr", "502 127.0.0.1:9", "/down", 502));
        var own = Assert.Single(Unlogged(keys, Combined + " $upstream_status $upstream_addr", "- -", "/loop", 500));
        Assert.Equal((FailureKind.Nginx5xx, 500, (string?)null, "response"), (own.Kind, own.Status, own.Upstream, own.Phase));
        var blind = Assert.Single(Unlogged(keys, Combined, "", "/app", 503));
        Assert.Equal(AccessAggregator.UnattributedPhase, blind.Phase);
        Assert.Empty(Unlogged(null, Combined, "", "/app", 503));
    }

    private static IReadOnlyList<Facts.LogIncident> Unlogged(FailureKeys? keys, string format, string tail, string path, int status)
    {
        var agg = new AccessAggregator(keys);
        var p = new AccessLineParser(LogFormat.Compile(format));
        var line = $"10.0.0.1 - - [28/Nov/2026:03:00:01 +0000] \"GET {path} HTTP/1.1\" {status} 157 \"-\" \"c\" {tail}".TrimEnd();
        Assert.True(p.TryParse(line, out var fields));
        agg.Add(line, fields, "a", 1);
        return agg.Build([]).Unlogged;
    }

    [Fact]
    public void Heavy_hitters_and_latency_quantiles_stay_bounded_and_close()
    {
        var top = new SpaceSaving(10);
        for (var i = 0; i < 100_000; i++)
        {
            top.Add(i % 3 == 0 ? "/hot" : $"/cold/{i}");
        }

        var (key, count) = top.Top(1)[0];
        Assert.Equal("/hot", key);
        Assert.InRange(count, 33_334, 33_334 + 10_000);

        var h = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            h.Add(i / 1000.0);
        }

        Assert.InRange(h.Quantile(0.5)!.Value, 0.5, 0.6);
        Assert.InRange(h.Quantile(0.99)!.Value, 0.99, 1.0);
        Assert.Equal(1.0, h.Max);
    }

    [Fact]
    public void Space_saving_keeps_its_guarantees_on_a_skewed_stream_and_through_a_merge()
    {
        // Zipf-like: a few hot paths, a long tail of distinct ones; exact counts kept beside the sketch.
        var random = new Random(7);
        var exact = new Dictionary<string, long>();
        var halves = new[] { new SpaceSaving(64), new SpaceSaving(64) };
        var whole = new SpaceSaving(64);
        const int n = 200_000;
        for (var i = 0; i < n; i++)
        {
            var rank = (int)Math.Floor(Math.Pow(random.NextDouble(), 4) * 5000);
            var key = $"/p/{rank}";
            exact[key] = exact.GetValueOrDefault(key) + 1;
            whole.Add(key);
            halves[i < n / 2 ? 0 : 1].Add(key);
        }

        halves[0].Merge(halves[1]);
        foreach (var sketch in new[] { whole, halves[0] })
        {
            var top = sketch.Top(64);
            Assert.Equal(64, top.Count);
            var floor = top[^1].Count;
            foreach (var (key, count) in top)
            {
                Assert.True(count >= exact[key], $"{key}: {count} under its true {exact[key]}");
            }

            // Every key truly above the smallest kept count is kept (no heavy hitter lost).
            foreach (var (key, count) in exact.Where(kv => kv.Value > floor))
            {
                Assert.Contains(top, t => t.Key == key);
            }
        }

        Assert.Equal(exact.OrderByDescending(kv => kv.Value).First().Key, whole.Top(1)[0].Key);
    }
}
