using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>PHP-FPM 8.2 lines as observed; FpmCatalogScenarios checks the lines a real php-fpm writes in the test run.</summary>
public class FpmLogTests
{
    [Theory]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] server reached pm.max_children setting (2), consider raising it", "www", "fpm-max-children")]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] server reached max_children setting (2), consider raising it", "www", "fpm-max-children")]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] child 17267, script '/run/app/www/sleep.php' (request: \"GET /sleep.php?s=6\") executing too slow (1.054164 sec), logging", "www", "fpm-slow")]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] child 17267, script '/run/app/www/sleep.php' (request: \"GET /sleep.php?s=6\") execution timed out (4.054985 sec), terminating", "www", "fpm-terminated")]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] child 16757 exited on signal 11 (SIGSEGV) after 34.314874 seconds from start", "www", "fpm-signal")]
    [InlineData("[27-Nov-2026 23:54:00] WARNING: [pool www] child 16757 exited on signal 9 (SIGKILL) after 3.1 seconds from start", "www", "fpm-killed")]
    [InlineData("[27-Nov-2026 23:54:00] ERROR: unable to bind listening socket for address '127.0.0.1:9112': Address already in use (98)", null, "fpm-bind-failed")]
    [InlineData("[27-Nov-2026 23:54:00] NOTICE: fpm is running, pid 100", null, null)]
    public void Fpm_lines_are_parsed_and_classified(string line, string? pool, string? kind)
    {
        var e = FpmLogParser.Parse(line)!;
        Assert.Equal(new DateTime(2026, 11, 27, 23, 54, 0), e.Time);
        Assert.Equal(pool, e.Pool);
        Assert.Equal(kind, FpmLogParser.Classify(e)?.Kind.Code());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[27-Nov-2026] x")]
    [InlineData("2026/11/27 23:54:00 [error] 1#1: nginx line")]
    public void Other_lines_are_not_fpm_entries(string line) => Assert.Null(FpmLogParser.Parse(line));
}

public class KernelLogTests
{
    [Theory]
    [InlineData("2026-11-28T02:59:00,123456+00:00 Out of memory: Killed process 4242 (php-fpm8.2) total-vm:512000kB, anon-rss:400000kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:900kB oom_score_adj:0", 4242, "php-fpm8.2")]
    [InlineData("2026-11-28T02:59:00+0000 web1 kernel: Memory cgroup out of memory: Killed process 77 (node) total-vm:1kB", 77, "node")]
    public void Oom_kills_are_read_from_dmesg_and_journalctl_lines(string line, int pid, string process)
    {
        var kill = NgxDoctor.Core.Logs.KernelLogParser.Parse(line, new DateTime(2026, 11, 28, 3, 0, 0))!;
        Assert.Equal(pid, kill.Pid);
        Assert.Equal(process, kill.Process);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 2, 59, 0, TimeSpan.Zero).LocalDateTime, kill.Time.AddTicks(-(kill.Time.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Theory]
    [InlineData("Nov 28 02:59:00 web1 kernel: [81234.567890] Out of memory: Killed process 4242 (php-fpm8.2) total-vm:512000kB", "2026-11-28 02:59:00")]
    [InlineData("Nov  8 02:59:00 web1 kernel: [81234.567890] Out of memory: Killed process 4242 (php-fpm8.2) total-vm:512000kB", "2026-11-08 02:59:00")]
    [InlineData("Dec 31 23:59:00 web1 kernel: Memory cgroup out of memory: Killed process 4242 (php-fpm8.2)", "2025-12-31 23:59:00")]
    [InlineData("2026-11-28T02:59:00.123456+00:00 web1 kernel: Out of memory: Killed process 4242 (php-fpm8.2) total-vm:1kB", null)]
    public void Oom_kills_are_read_from_kern_log_lines_of_either_syslog_format(string line, string? local)
    {
        var now = new DateTime(2026, 11, 28, 3, 0, 0, DateTimeKind.Local);
        var kill = NgxDoctor.Core.Logs.KernelLogParser.Parse(line, now)!;
        Assert.Equal(4242, kill.Pid);
        Assert.Equal("php-fpm8.2", kill.Process);
        var expected = local is null ? new DateTimeOffset(2026, 11, 28, 2, 59, 0, 123, 456, TimeSpan.Zero).LocalDateTime : DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, kill.Time);
    }

    [Theory]
    [InlineData("2026-11-28T01:28:14,237064+00:00 nginx[8677]: segfault at 7ffc34ffee78 ip 0000564fd71f8dfb")]
    [InlineData("Killed process 1 (init)")]
    [InlineData("Nov 31 02:59:00 web1 kernel: Killed process 1 (init)")]
    [InlineData("")]
    public void Other_kernel_lines_are_not_oom_kills(string line) => Assert.Null(NgxDoctor.Core.Logs.KernelLogParser.Parse(line, new DateTime(2026, 11, 28, 3, 0, 0)));
}

public class FpmSlowlogTests
{
    // Written by php-fpm 8.2 on this project's test machine (request_slowlog_timeout = 1s, a script sleeping 3 s).
    private const string Header = "[28-Nov-2026 08:03:45]  [pool www] pid 32648";
    private const string Script = "script_filename = /tmp/fpmslow/slow.php";
    private const string Inner = "[0x00007f4a2c0150c0] sleep() /tmp/fpmslow/slow.php:2";
    private const string Outer = "[0x00007f4a2c015070] nap() /tmp/fpmslow/slow.php:3";

    [Fact]
    public void The_lines_of_an_entry_are_told_apart()
    {
        Assert.Equal((new DateTime(2026, 11, 28, 8, 3, 45), "www", 32648), FpmSlowlog.Header(Header));
        Assert.Equal("/tmp/fpmslow/slow.php", FpmSlowlog.Script(Script));
        Assert.Equal("sleep() /tmp/fpmslow/slow.php:2", FpmSlowlog.Frame(Inner));
        Assert.Equal("nap() /tmp/fpmslow/slow.php:3", FpmSlowlog.Frame(Outer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[28-Nov-2026 08:03:45] WARNING: [pool www] child 32648, script '/tmp/fpmslow/slow.php' (request: \"GET /slow.php\") executing too slow (1.022042 sec), logging")]
    [InlineData("[28-Nov-2026 08:03:45]  [pool www] pid x")]
    [InlineData(Script)]
    public void Other_lines_are_not_headers(string line) => Assert.Null(FpmSlowlog.Header(line));

    [Fact]
    public void The_tally_counts_by_pool_and_script_and_keeps_the_first_entry()
    {
        var tally = new FpmSlowTally();
        var t = new DateTime(2026, 11, 28, 8, 0, 0);
        tally.Add(new FpmSlowEntry(t, "www", 1, "/a.php", "sleep() /a.php:2", 2), "/slow.log");
        tally.Add(new FpmSlowEntry(t.AddMinutes(1), "www", 2, "/b.php", null, 6), "/slow.log");
        tally.Add(new FpmSlowEntry(t.AddMinutes(2), "www", 1, "/a.php", "other() /a.php:9", 10), "/slow.log");
        tally.Add(new FpmSlowEntry(t.AddMinutes(3), "api", 3, "/a.php", null, 14), "/slow.log");
        var top = tally.Top(2);
        Assert.Equal(2, top.Count);
        Assert.Equal(new NgxDoctor.Core.Facts.FpmSlowScript("www", "/a.php", 2, t, t.AddMinutes(2), "/slow.log", 2, "sleep() /a.php:2"), top[0]);
        Assert.Equal("api", top[1].Pool);
        Assert.Equal(0, tally.Dropped);
    }
}
