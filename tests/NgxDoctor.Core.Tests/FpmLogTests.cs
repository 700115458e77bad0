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
