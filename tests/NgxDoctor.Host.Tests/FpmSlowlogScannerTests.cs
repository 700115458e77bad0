using NgxDoctor.Config;
using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Tests;

public sealed class FpmSlowlogScannerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-slowlog-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Entries_of_the_window_are_counted_by_script_with_their_line_and_innermost_call()
    {
        // The shape php-fpm 8.2 writes: a blank line, the header, script_filename, the stack innermost first.
        var log = Path.Combine(_dir, "www.slow.log");
        File.WriteAllText(log, """

            [28-Nov-2026 06:00:00]  [pool www] pid 10
            script_filename = /var/www/old.php
            [0x00007f4a2c0150c0] sleep() /var/www/old.php:2

            [28-Nov-2026 08:03:45]  [pool www] pid 32648
            script_filename = /var/www/slow.php
            [0x00007f4a2c0150c0] sleep() /var/www/slow.php:2
            [0x00007f4a2c015070] nap() /var/www/slow.php:3

            [28-Nov-2026 08:04:10]  [pool www] pid 32649
            script_filename = /var/www/slow.php
            [0x00007f4a2c0150c0] curl_exec() /var/www/slow.php:7

            [28-Nov-2026 08:04:20]  [pool www] pid 32650
            """);
        var pools = new[] { Pool("www", log), Pool("api", Path.Combine(_dir, "absent.log")) };
        var scans = new List<LogScan>();
        var since = new DateTime(2026, 11, 28, 8, 0, 0);
        var slow = FpmSlowlogScanner.Scan(pools, since, since.AddHours(1), scans);

        var s = Assert.Single(slow);
        Assert.Equal(new FpmSlowScript("www", "/var/www/slow.php", 2, since.AddSeconds(225), since.AddSeconds(250), log, 6, "sleep() /var/www/slow.php:2"), s);
        Assert.Equal(2, scans.Count);
        Assert.Equal(2, scans[0].Entries);
        Assert.Null(scans[0].Problem);
        Assert.Equal("php-fpm-slowlog", scans[1].Kind);
        Assert.NotNull(scans[1].Problem);
    }

    private static FpmPool Pool(string name, string slowlog) =>
        new(name, new Dictionary<string, FpmSetting> { ["slowlog"] = new(slowlog, new SourcePos("/etc/php/8.2/fpm/pool.d/www.conf", 9)) }, new SourcePos("/etc/php/8.2/fpm/pool.d/www.conf", 1));
}
