using System.IO.Compression;
using System.Text;
using NgxDoctor.Core.Logs;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Tests;

public sealed class LogReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static List<LogLine> ReadAll(string path)
    {
        using var r = LogLineReader.Open(path);
        var lines = new List<LogLine>();
        while (r.TryRead(out var l))
        {
            lines.Add(l);
        }

        return lines;
    }

    [Theory]
    [InlineData("a\nb\nc\n")]
    [InlineData("a\r\nb\r\nc\r\n")]
    [InlineData("a\rb\rc\r")]
    [InlineData("a\nb\r\nc")]
    public void Line_endings_parse_identically_and_the_last_line_is_kept(string text)
    {
        var lines = ReadAll(Write("e.log", Encoding.UTF8.GetBytes(text)));
        Assert.Equal(["a", "b", "c"], lines.Select(l => l.Text));
        Assert.Equal([1L, 2L, 3L], lines.Select(l => l.Number));
    }

    [Fact]
    public void Nul_bytes_and_invalid_utf8_never_throw()
    {
        var lines = ReadAll(Write("bin.log", [0, 0, (byte)'a', 0, 0xff, 0xfe, (byte)'\n', 0xc3, (byte)'\n', 0xe2, 0x82]));
        Assert.Equal(3, lines.Count);
        Assert.Equal("a\0\uFFFD\uFFFD", lines[0].Text);
        Assert.Equal("\uFFFD", lines[1].Text);
    }

    [Fact]
    public void Nul_padding_before_lines_and_a_20_GB_hole_are_skipped_and_the_lines_after_them_kept()
    {
        var padded = Write("padded.log", [.. new byte[3_000_000], .. "one\n"u8, .. new byte[100], .. "two\n"u8]);
        using (var r = LogLineReader.Open(padded))
        {
            Assert.True(r.TryRead(out var one));
            Assert.True(r.TryRead(out var two));
            Assert.False(r.TryRead(out _));
            Assert.Equal(("one", 1L, "two", 2L), (one.Text, one.Number, two.Text, two.Number));
            Assert.Equal(3_000_100, r.NulBytesSkipped);
        }

        // A sparse file: 20 GB of hole read as NULs would take minutes; lseek(SEEK_DATA) jumps over it.
        var sparse = Path.Combine(_dir, "sparse.log");
        using (var f = new FileStream(sparse, FileMode.Create))
        {
            f.SetLength(20L << 30);
            f.Seek(0, SeekOrigin.End);
            f.Write("after the hole\n"u8);
        }

        Assert.Equal(["after the hole"], ReadAll(sparse).Select(l => l.Text));
    }

    [Fact]
    public void A_gzip_bomb_stops_early_naming_the_file_and_corrupt_or_multi_member_gzip_are_told_apart()
    {
        var bomb = Path.Combine(_dir, "bomb.log.gz");
        using (var gz = new GZipStream(File.Create(bomb), CompressionLevel.SmallestSize))
        {
            var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("AAAAAAAAAAAAAAA\n", 1 << 16)));
            for (var i = 0; i < 1024; i++)
            {
                gz.Write(block);
            }
        }

        using (var r = LogLineReader.Open(bomb))
        {
            var n = 0L;
            while (r.TryRead(out _))
            {
                n++;
            }

            Assert.Contains($"{bomb}: decompresses to more than {LogLineReader.MaxGzipRatio} times its size", r.Problem, StringComparison.Ordinal);
            Assert.True(n < 4_000_000, $"{n} lines read before stopping");
        }

        // gzip -c a b: the trailer gives the last member's size; that is no corruption.
        var multi = Path.Combine(_dir, "multi.log.1.gz");
        foreach (var part in new[] { "one\ntwo\n", "three\n" })
        {
            using var file = new FileStream(multi, FileMode.Append);
            using var gz = new GZipStream(file, CompressionLevel.Optimal);
            gz.Write(Encoding.ASCII.GetBytes(part));
        }

        using (var r = LogLineReader.Open(multi))
        {
            var texts = new List<string>();
            while (r.TryRead(out var l))
            {
                texts.Add(l.Text);
            }

            Assert.Equal(["one", "two", "three"], texts);
            Assert.Null(r.Problem);
        }

        var bytes = File.ReadAllBytes(multi);
        bytes[12] ^= 0xff;
        var corrupt = Write("corrupt.log.gz", bytes);
        var e = Assert.ThrowsAny<InvalidDataException>(() => ReadAll(corrupt));
        Assert.StartsWith($"{corrupt}: corrupt gzip data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_10_MB_line_is_cut_at_the_cap_and_flagged_and_the_next_line_survives()
    {
        var big = new byte[10 * 1024 * 1024 + 2];
        Array.Fill(big, (byte)'x');
        big[^2] = (byte)'\n';
        big[^1] = (byte)'y';
        var lines = ReadAll(Write("big.log", big));
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].Oversize);
        Assert.Equal(LogLineReader.MaxLineBytes, lines[0].Text.Length);
        Assert.Equal("y", lines[1].Text);
    }

    [Fact]
    public void Gzip_is_read_and_a_corrupt_or_truncated_gzip_is_an_error()
    {
        var path = Path.Combine(_dir, "e.log.2.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write("one\ntwo\n"u8);
        }

        Assert.Equal(["one", "two"], ReadAll(path).Select(l => l.Text));

        // access_log ... gzip: gzip members appended to a file not named .gz.
        var members = Path.Combine(_dir, "access.log");
        foreach (var part in new[] { "a\nb\n", "c\n" })
        {
            using var file = new FileStream(members, FileMode.Append);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(Encoding.ASCII.GetBytes(part));
        }

        Assert.True(LogLineReader.IsCompressed(members));
        using (var r = LogLineReader.Open(members))
        {
            var texts = new List<string>();
            while (r.TryRead(out var l))
            {
                texts.Add(l.Text);
            }

            Assert.Equal(["a", "b", "c"], texts);
            Assert.Null(r.Problem);
        }
        var bytes = File.ReadAllBytes(path);
        var truncated = Write("t.log.gz", bytes[..(bytes.Length - 6)]);
        using (var r = LogLineReader.Open(truncated))
        {
            while (r.TryRead(out _))
            {
            }

            Assert.Contains("gzip data ends early", r.Problem, StringComparison.Ordinal);
        }

        var corrupt = Write("c.log.gz", [.. bytes[..10], .. Enumerable.Repeat((byte)0x55, 40)]);
        Assert.ThrowsAny<InvalidDataException>(() => ReadAll(corrupt));
    }

    [Fact]
    public void Special_files_are_refused_without_blocking()
    {
        Assert.Contains("is a directory", Assert.Throws<IOException>(() => LogLineReader.Open(_dir)).Message, StringComparison.Ordinal);
        Assert.Contains("character device", Assert.Throws<IOException>(() => LogLineReader.Open("/dev/zero")).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Assert.Throws<IOException>(() => LogLineReader.Open(Path.Combine(_dir, "none"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_window_seek_starts_at_the_first_line_of_the_window_and_keeps_line_numbers()
    {
        var t0 = new DateTime(2026, 11, 28, 0, 0, 0);
        var sb = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            sb.Append($"{t0.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 1#1: *{i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET /{i} HTTP/1.1\", upstream: \"http://127.0.0.1:9/\"\n");
        }

        var path = Write("window.log", Encoding.ASCII.GetBytes(sb.ToString()));
        var since = t0.AddSeconds(19_000);
        var (offset, line) = TimeWindowSeeker.Seek(path, since);
        Assert.True(offset > new FileInfo(path).Length / 2);
        Assert.InRange(line, 18_900, 19_001);

        var incidents = new IncidentAggregator();
        var scan = ErrorLogScanner.Scan(path, since, t0.AddDays(1), incidents);
        Assert.True(scan.Lines < 1200, $"read {scan.Lines} lines");
        var incident = Assert.Single(incidents.Incidents());
        Assert.Equal(1000, incident.Count);
        Assert.Equal(since, incident.FirstSeen);
        Assert.Equal($"{path}:19001", incident.Samples[0].Source);
    }

    [Fact]
    public void Continuation_lines_join_their_entry_and_rotated_siblings_in_the_window_are_read()
    {
        var t0 = new DateTime(2026, 11, 28, 1, 0, 0);
        string Line(int s, string msg) => $"{t0.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 1#1: *1 {msg}, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:9/\"\n";
        var current = Write("site.log", Encoding.UTF8.GetBytes(Line(100, "upstream prematurely closed connection while reading response header from upstream")
            + $"{t0.AddSeconds(101):yyyy/MM/dd HH:mm:ss} [error] 1#1: *2 FastCGI sent in stderr: \"PHP message: one\nPHP message: two\nPHP message: three\" while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\"\n"));
        Write("site.log.1", Encoding.UTF8.GetBytes(Line(10, "upstream prematurely closed connection while reading response header from upstream")));
        using (var gz = new GZipStream(File.Create(Path.Combine(_dir, "site.log.2.gz")), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(Line(1, "upstream prematurely closed connection while reading response header from upstream")));
        }

        var incidents = new IncidentAggregator();
        var scan = ErrorLogScanner.Scan(current, t0.AddSeconds(5), t0.AddHours(1), incidents);
        Assert.Equal(0, scan.Unrecognized);
        Assert.Equal(3, scan.Entries);
        var close = incidents.Incidents().Single(i => i.Kind == NgxDoctor.Core.Logs.FailureKind.PrematureClose);
        Assert.Equal(2, close.Count);
        Assert.EndsWith("site.log.1:1", close.Samples[0].Source, StringComparison.Ordinal);
        Assert.Equal(["site.log.1", "site.log"], RotatedLogs.Window(current, t0.AddSeconds(50)).Select(Path.GetFileName));
        Assert.Equal(["site.log.2.gz", "site.log.1", "site.log"], RotatedLogs.Window(current, t0.AddSeconds(5)).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("bz2", "bzip2", new byte[] { (byte)'B', (byte)'Z', (byte)'h', (byte)'9', 0x31, 0x41, 0x59, 0x26 })]
    [InlineData("xz", "xz", new byte[] { 0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, 0x00, 0x04 })]
    [InlineData("zst", "zstd", new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x2e, 0x71, 0x01 })]
    [InlineData("lz4", "lz4", new byte[] { 0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0x2e })]
    public void A_log_compressed_otherwise_than_gzip_is_named_not_misread(string ext, string name, byte[] magic)
    {
        var t0 = new DateTime(2026, 11, 28, 1, 0, 0);
        var current = Write("site.log", Encoding.UTF8.GetBytes($"{t0.AddSeconds(100):yyyy/MM/dd HH:mm:ss} [error] 1#1: *1 upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:9/\"\n"));
        var rotated = Write($"site.log.1.{ext}", magic);
        var e = Assert.Throws<IOException>(() => ReadAll(rotated));
        Assert.Equal($"{rotated}: {name}-compressed; ngxdoctor reads plain and gzip logs (read it after `{name} -dk site.log.1.{ext}`)", e.Message);

        Assert.Equal([$"site.log.1.{ext}", "site.log"], RotatedLogs.Window(current, t0).Select(Path.GetFileName));
        var scan = ErrorLogScanner.Scan(current, t0, t0.AddHours(1), new IncidentAggregator());
        Assert.Equal(1, scan.Entries);
        Assert.Contains($"{name}-compressed", scan.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_log_is_reported_and_the_scan_goes_on()
    {
        var incidents = new IncidentAggregator();
        var scan = ErrorLogScanner.Scan(Path.Combine(_dir, "missing.log"), DateTime.MinValue, DateTime.MaxValue, incidents);
        Assert.Contains("no such file", scan.Problem, StringComparison.Ordinal);
        Assert.Empty(incidents.Incidents());
    }

    [Fact]
    public void An_access_log_read_in_parallel_chunks_gives_what_one_pass_gives()
    {
        var format = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_status $upstream_addr $upstream_response_time";
        var t0 = new DateTime(2026, 11, 28, 1, 0, 0);
        var sb = new StringBuilder();
        var random = new Random(7);
        for (var i = 0; i < 60_000; i++)
        {
            var status = random.Next(20) switch { 0 => 502, 1 => 504, 2 => 499, 3 => 503, _ => 200 };
            sb.Append($"10.0.{i % 7}.{i % 250} - - [{t0.AddSeconds(i / 20):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p/{random.Next(3000)} HTTP/1.1\" {status} 12 \"-\" \"ua\" {status} 127.0.0.1:{3000 + (i % 3)} {random.NextDouble() * 2:0.000}\n");
            if (i % 9999 == 0)
            {
                sb.Append("garbage line\n");
            }
        }

        var path = Write("big-access.log", Encoding.ASCII.GetBytes(sb.ToString()));
        var keys = new FailureKeys();
        string Run(long threshold)
        {
            var agg = new AccessAggregator(keys);
            var scan = AccessLogScanner.Scan(path, new AccessLineParser(LogFormat.Compile(format)), DateTime.MinValue, DateTime.MaxValue, agg, keys, threshold);
            return NgxDoctor.Core.NgxJson.Serialize(new NgxDoctor.Core.Facts.LogFacts(t0, TimeSpan.FromHours(1), [scan], []) { Access = agg.Build([scan]) });
        }

        var single = Run(long.MaxValue);
        var parallel = Run(1024);
        Assert.Equal(single, parallel);
        Assert.Contains("\"unrecognized\": 7", single, StringComparison.Ordinal);
        Assert.Contains("big-access.log:40002", single, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_log_read_in_parallel_chunks_gives_what_one_pass_gives()
    {
        var t0 = new DateTime(2026, 11, 28, 1, 0, 0);
        var sb = new StringBuilder();
        string[] messages =
        [
            "connect() failed (111: Connection refused) while connecting to upstream",
            "upstream timed out (110: Connection timed out) while reading response header from upstream",
            "FastCGI sent in stderr: \"PHP message: one\nPHP message: two\" while reading response header from upstream",
            "something odd while connecting to upstream",
        ];
        for (var i = 0; i < 40_000; i++)
        {
            sb.Append($"{t0.AddSeconds(i / 10):yyyy/MM/dd HH:mm:ss} [error] 1#1: *{i} {messages[i % 4]}, client: 10.0.0.{i % 200}, server: _, request: \"GET /{i % 50} HTTP/1.1\", upstream: \"http://127.0.0.1:{3000 + (i % 3)}/\"\n");
        }

        var path = Write("big-error.log", Encoding.ASCII.GetBytes(sb.ToString()));
        string Run(long threshold)
        {
            var incidents = new IncidentAggregator();
            var scan = ErrorLogScanner.Scan(path, DateTime.MinValue, DateTime.MaxValue, incidents, new FailureKeys(), threshold);
            return NgxDoctor.Core.NgxJson.Serialize(new NgxDoctor.Core.Facts.LogFacts(t0, TimeSpan.FromHours(1), [scan], incidents.Incidents()));
        }

        var single = Run(long.MaxValue);
        Assert.Equal(single, Run(1024));
        Assert.Contains("\"unclassified\": 10000", single, StringComparison.Ordinal);
        Assert.Contains("\"unrecognized\": 0", single, StringComparison.Ordinal);
        Assert.Contains("big-error.log:49996", single, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_rotated_or_truncated_during_a_scan_is_read_to_its_snapshot_or_reported()
    {
        var lines = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"line {i}\n"));
        var path = Write("rotating.log", Encoding.ASCII.GetBytes(lines));

        using (var r = LogLineReader.Open(path))
        {
            Assert.True(r.TryRead(out _));
            File.Move(path, path + ".1");
            File.WriteAllText(path, "new file\n");
            var count = 1;
            while (r.TryRead(out _))
            {
                count++;
            }

            Assert.Equal(50_000, count);
            Assert.Null(r.Problem);
        }

        File.WriteAllText(path, lines);
        using (var r = LogLineReader.Open(path))
        {
            Assert.True(r.TryRead(out _));
            using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncate.SetLength(0);
            }

            while (r.TryRead(out _))
            {
            }

            Assert.Contains("the file shrank while it was read", r.Problem, StringComparison.Ordinal);
        }

        File.AppendAllText(path, lines);
        using (var r = LogLineReader.Open(path))
        {
            File.AppendAllText(path, "written after the scan began\n");
            var last = "";
            while (r.TryRead(out var l))
            {
                last = l.Text;
            }

            Assert.Equal("line 49999", last);
        }
    }

    [Fact]
    public void Without_any_access_log_directive_the_compiled_in_access_log_is_read()
    {
        var t = new DateTime(2026, 11, 28, 1, 0, 0);
        var access = Write("default-access.log", Encoding.ASCII.GetBytes($"10.0.0.1 - - [{t:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl\"\n"));
        var conf = Write("nginx.conf", Encoding.ASCII.GetBytes($"error_log {_dir}/e.log;\nevents {{}}\nhttp {{ server {{ listen 1; }} }}\n"));
        Write("e.log", []);
        var located = new NgxDoctor.Host.LocatedInstance(conf, null, new NgxDoctor.Host.Nginx.NginxBinary("/usr/sbin/nginx", "1.22.1", null, _dir) { HttpLogPath = access }, []);
        var notes = new List<NgxDoctor.Core.Facts.NotCollected>();
        var logs = LogCollector.Collect(NgxDoctor.Config.ConfigLoader.LoadFile(conf), located, t.AddMinutes(1), TimeSpan.FromMinutes(15), notes);
        var scan = Assert.Single(logs.Access!.Files);
        Assert.Equal(access, scan.Path);
        Assert.Equal(1, scan.Entries);
        Assert.Equal(1, Assert.Single(logs.Access.Minutes).Status502);
    }
}
