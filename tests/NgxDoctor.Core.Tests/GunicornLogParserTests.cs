using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>gunicorn's error log: the first four lines are what gunicorn 20.1.0 wrote here (-t 1, a request sleeping 3 s, then one ending in SIGSEGV).</summary>
public sealed class GunicornLogParserTests
{
    [Theory]
    [InlineData("[2026-12-01 21:17:37 +0000] [3348] [CRITICAL] WORKER TIMEOUT (pid:3350)", FailureKind.GunicornTimeout, null)]
    [InlineData("[2026-12-01 21:17:37 +0000] [3348] [WARNING] Worker with pid 3353 was terminated due to signal 11", FailureKind.GunicornSignal, "SIGSEGV")]
    [InlineData("[2026-12-01 21:17:37 +0000] [3350] [INFO] Worker exiting (pid: 3350)", null, null)]
    [InlineData("[2026-12-01 21:17:34 +0000] [3350] [INFO] Booting worker with pid: 3350", null, null)]
    // gunicorn 21+ (arbiter.py reap_workers).
    [InlineData("[2026-12-01 21:17:37 +0000] [3348] [ERROR] Worker (pid:3353) was sent SIGKILL! Perhaps out of memory?", FailureKind.GunicornSignal, "SIGKILL")]
    [InlineData("[2026-12-01 21:17:37 +0000] [3348] [ERROR] Worker (pid:3353) exited with code 3.", FailureKind.GunicornSignal, "exit code 3")]
    public void Worker_deaths_are_told_from_the_rest(string line, FailureKind? kind, string? how)
    {
        var e = GunicornLogParser.Parse(line)!;
        Assert.Equal(kind, GunicornLogParser.Classify(e)?.Kind);
        Assert.Equal(how, GunicornLogParser.HowDied(e.Message));
    }

    [Fact]
    public void The_time_is_read_with_its_offset()
    {
        var e = GunicornLogParser.Parse("[2026-12-01 23:17:37 +0200] [3348] [CRITICAL] WORKER TIMEOUT (pid:3350)")!;
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 21, 17, 37, TimeSpan.Zero).LocalDateTime, e.Time);
        Assert.Equal(3348, e.Pid);
        Assert.Null(GunicornLogParser.Parse("2026-12-01 21:17:37 WORKER TIMEOUT"));
    }
}
