using System.Text;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Logs;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Tests;

/// <summary>A container's stdout/stderr as its runtime keeps them, and logs that are nginx's stdio, never ngxdoctor's.</summary>
public sealed class RuntimeLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-runtime-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Docker_s_json_file_keeps_the_stream_s_lines_at_their_line_numbers()
    {
        var file = Path.Combine(_dir, "x-json.log");
        File.WriteAllLines(file, [
            """{"log":"127.0.0.1 - - [01/Dec/2026:15:18:49 +0000] \"GET / HTTP/1.1\" 502 157\n","stream":"stdout","time":"2026-12-01T15:18:49.1Z"}""",
            """{"log":"2026/12/01 15:18:49 [error] 6#6: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1\n","stream":"stderr","time":"2026-12-01T15:18:49.2Z"}""",
            "not json",
        ]);
        var decoded = File.ReadAllLines(RuntimeLogDecoder.Decode(file, RuntimeLogFormat.DockerJson, "stderr", _dir));
        Assert.Equal(["", "2026/12/01 15:18:49 [error] 6#6: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1", ""], decoded);
    }

    [Fact]
    public void Rotated_json_files_are_decoded_as_siblings_the_scanner_follows()
    {
        var file = Path.Combine(_dir, "y-json.log");
        File.WriteAllText(file, "{\"log\":\"new\\n\",\"stream\":\"stderr\"}\n");
        File.WriteAllText(file + ".1", "{\"log\":\"older\\n\",\"stream\":\"stderr\"}\n");
        using (var gz = new System.IO.Compression.GZipStream(File.Create(file + ".2.gz"), System.IO.Compression.CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes("{\"log\":\"oldest\\n\",\"stream\":\"stderr\"}\n"));
        }

        var decoded = RuntimeLogDecoder.Decode(file, RuntimeLogFormat.DockerJson, "stderr", _dir);
        Assert.Equal(["new"], File.ReadAllLines(decoded));
        Assert.Equal(["older"], File.ReadAllLines(decoded + ".1"));
        Assert.Equal(["oldest"], File.ReadAllLines(decoded + ".2"));
        Assert.Equal([decoded + ".2", decoded + ".1", decoded], RotatedLogs.Window(decoded, DateTime.MinValue));
    }

    [Fact]
    public void A_journal_message_of_nginx_s_tag_is_its_error_log_line_and_another_tag_s_is_not()
    {
        const string Line = "2026/12/01 16:46:54 [error] 27782#27782: *1 connect() failed (111: Connection refused) while connecting to upstream";
        Assert.Equal(Line, LogPlaces.EntryOf("vm ngxlab: " + Line, "ngxlab"));
        Assert.Equal(Line, LogPlaces.EntryOf(Line, "nginx"));
        Assert.Null(LogPlaces.EntryOf("vm other: " + Line, "ngxlab"));
        Assert.Null(LogPlaces.EntryOf("vm ngxlab: worker process 12 exited", "ngxlab"));
    }

    [Fact]
    public void A_cri_log_joins_partial_lines()
    {
        var partial = new StringBuilder();
        Assert.Equal("", RuntimeLogDecoder.CriLine("2026-12-01T15:18:49.1Z stderr P 2026/12/01 15:18:49 [error] ", "stderr", partial));
        Assert.Equal("2026/12/01 15:18:49 [error] 6#6: upstream timed out", RuntimeLogDecoder.CriLine("2026-12-01T15:18:49.2Z stderr F 6#6: upstream timed out", "stderr", partial));
        Assert.Equal("", RuntimeLogDecoder.CriLine("2026-12-01T15:18:49.3Z stdout F GET / 502", "stderr", partial));
    }

    [Fact]
    public void A_log_that_is_stderr_is_the_master_s_descriptor_never_ngxdoctor_s()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "error.log"), "/dev/stderr");
        File.CreateSymbolicLink(Path.Combine(_dir, "access.log"), "/proc/self/fd/1");
        Assert.Equal(2, InstanceRoot.Host.StdioOf(Path.Combine(_dir, "error.log")));
        Assert.Equal(1, InstanceRoot.Host.StdioOf(Path.Combine(_dir, "access.log")));
        Assert.Equal(2, InstanceRoot.Host.StdioOf("stderr"));
        Assert.Null(InstanceRoot.Host.StdioOf("/var/log/nginx/error.log.1"));

        // Without a running master there is no descriptor to follow: nothing is read, and a note says why.
        var notes = new List<NotCollected>();
        using var places = new LogPlaces(new LocatedInstance("/etc/nginx/nginx.conf", null, null, []));
        Assert.Null(places.Of(Path.Combine(_dir, "error.log"), Fact.ErrorLog, notes));
        Assert.Contains("stderr of an nginx that is not running", Assert.Single(notes).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_master_started_with_its_stderr_in_a_file_has_that_file_read()
    {
        var log = Path.Combine(_dir, "nginx.stderr");
        File.WriteAllText(log, "");
        using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", $"exec sleep 30 2>>{log}"]))!;
        try
        {
            Thread.Sleep(200);
            var master = new NginxInstance(sh.Id, "/usr/sbin/nginx", "nginx: master process", null, null, [], [], null);
            var notes = new List<NotCollected>();
            using var places = new LogPlaces(new LocatedInstance("/etc/nginx/nginx.conf", master, null, []));
            var place = places.Of("/dev/stderr", Fact.ErrorLog, notes);
            Assert.NotNull(place);
            Assert.Equal($"/proc/{sh.Id}/fd/2", place.File);
            Assert.Equal($"{log} (nginx's stderr)", place.ShownAs);
        }
        finally
        {
            sh.Kill();
        }
    }
}
