using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Tests;

public sealed class KernelLogReaderTests : IDisposable
{
    private const string Kill = "Out of memory: Killed process 4242 (php-fpm8.2) total-vm:512000kB, anon-rss:400000kB, file-rss:0kB";
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-kern-").FullName;
    private readonly DateTime _now = new(2026, 11, 28, 3, 0, 0, DateTimeKind.Local);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Without_dmesg_or_journalctl_the_kills_come_from_kern_log_and_its_rotated_sibling()
    {
        var rotated = Write("kern.log.1", $"Nov 27 23:00:00 web1 kernel: [1.0] {Kill.Replace("4242", "11", StringComparison.Ordinal)}\n");
        var current = Write("kern.log", $"Nov 28 02:10:00 web1 kernel: [2.0] eth0: link up\nNov 28 02:59:00 web1 kernel: [3.0] {Kill}\n");
        var notes = new List<NotCollected>();
        var kills = await KernelLogReader.OomKillsAsync(_now.AddHours(-6), _now, notes, CancellationToken.None, Sources([rotated, current]));
        Assert.NotNull(kills);
        Assert.Equal([11, 4242], kills.Select(k => k.Pid));
        Assert.Equal(new DateTime(2026, 11, 28, 2, 59, 0), kills[1].Time);
        Assert.Empty(notes);

        var recent = await KernelLogReader.OomKillsAsync(_now.AddHours(-1), _now, notes, CancellationToken.None, Sources([rotated, current]));
        Assert.Equal(4242, Assert.Single(recent!).Pid);
    }

    [Fact]
    public async Task A_journalctl_without_journal_files_does_not_hide_kern_log()
    {
        // What journalctl does in a container without journald: nothing on stdout, this on stderr, exit 0.
        var journalctl = Write("journalctl", "#!/bin/sh\necho '-- No entries --'\necho 'No journal files were found.' >&2\nexit 0\n");
        File.SetUnixFileMode(journalctl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var current = Write("kern.log", $"Nov 28 02:59:00 web1 kernel: [3.0] {Kill}\n");
        var notes = new List<NotCollected>();
        var kills = await KernelLogReader.OomKillsAsync(_now.AddHours(-1), _now, notes, CancellationToken.None, new KernelLogSources("/nonexistent/dmesg", journalctl, [current]));
        Assert.Equal(4242, Assert.Single(kills!).Pid);
        Assert.Empty(notes);
    }

    [Fact]
    public async Task Nothing_readable_is_a_note_not_an_empty_list()
    {
        var notes = new List<NotCollected>();
        var kills = await KernelLogReader.OomKillsAsync(_now.AddHours(-1), _now, notes, CancellationToken.None, Sources([Path.Combine(_dir, "absent.log")]));
        Assert.Null(kills);
        var note = Assert.Single(notes);
        Assert.Equal(Fact.KernelLog, note.What);
        Assert.Contains("absent.log", note.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kill_at_the_end_of_a_long_dmesg_is_found()
    {
        // A host's dmesg is often far longer than the 64 KB of output a command may keep.
        var dmesg = Write("dmesg", $"#!/bin/sh\ni=0\nwhile [ $i -lt 4000 ]; do echo \"2026-11-28T02:00:00,000000+00:00 usb 1-1: new device number $i\"; i=$((i+1)); done\necho '{_now.AddMinutes(-1).ToUniversalTime():yyyy-MM-ddTHH:mm:ss},000000+00:00 {Kill}'\n");
        File.SetUnixFileMode(dmesg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var notes = new List<NotCollected>();
        var kills = await KernelLogReader.OomKillsAsync(_now.AddHours(-1), _now, notes, CancellationToken.None, new KernelLogSources(dmesg, "/nonexistent/journalctl", []));
        Assert.Equal(4242, Assert.Single(kills!).Pid);
    }

    [Fact]
    public async Task When_nothing_can_be_read_the_note_gives_dmesg_s_own_reason()
    {
        var dmesg = Write("dmesg", "#!/bin/sh\necho 'dmesg: read kernel buffer failed: Operation not permitted' >&2\nexit 1\n");
        File.SetUnixFileMode(dmesg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var notes = new List<NotCollected>();
        Assert.Null(await KernelLogReader.OomKillsAsync(_now.AddHours(-1), _now, notes, CancellationToken.None, new KernelLogSources(dmesg, "/nonexistent/journalctl", [])));
        Assert.EndsWith("(not root?): dmesg: read kernel buffer failed: Operation not permitted", Assert.Single(notes).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crashes_come_from_the_kernel_log_and_denials_also_from_auditds_log()
    {
        var stamp = new DateTimeOffset(_now.AddMinutes(-2)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var current = Write("kern.log", "Nov 28 02:58:00 web1 kernel: [3.0] python3[32390]: segfault at 0 ip 00007f1421d85ad8 sp 00007ffd50cacd98 error 4 in libc.so.6[167ad8,7f1421c44000+156000]\n");
        var audit = Write("audit.log", $"type=AVC msg=audit({stamp}.120:301): avc:  denied  {{ name_connect }} for  pid=101 comm=\"nginx\" dest=8080 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0\ntype=SYSCALL msg=audit({stamp}.120:301): arch=c000003e syscall=42 success=no exit=-13\n");
        var events = await KernelLogReader.ReadAsync(_now.AddHours(-1), _now, [], CancellationToken.None, Sources([current]) with { AuditFiles = [audit] });
        Assert.Equal(("python3", "SIGSEGV"), (Assert.Single(events!.Crashes).Process, events.Crashes[0].Signal));
        Assert.Equal("port 8080", Assert.Single(events.Denials).Target);
    }

    private KernelLogSources Sources(IReadOnlyList<string> files) => new("/nonexistent/dmesg", "/nonexistent/journalctl", files);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
