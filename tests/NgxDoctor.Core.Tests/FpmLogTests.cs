using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>PHP-FPM 8.2 lines as observed (../shared/reference/nginx-upstream-errors.md §3); the scenarios check those our runs produce.</summary>
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
        Assert.Equal(kind, FpmLogParser.Classify(e)?.Kind);
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
        var kill = NgxDoctor.Core.Logs.KernelLogParser.Parse(line)!;
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
    public void Other_kernel_lines_are_not_oom_kills(string line) => Assert.Null(NgxDoctor.Core.Logs.KernelLogParser.Parse(line));
}
