using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>Crash and denial lines as the kernel and auditd write them.</summary>
public sealed class KernelEventParserTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 21, 0, 0);

    [Theory]
    // What this machine's kernel wrote (dmesg --time-format iso) for python3 reading address 0 through ctypes.
    [InlineData("2026-12-01T20:40:59,001650+00:00 python3[32390]: segfault at 0 ip 00007f1421d85ad8 sp 00007ffd50cacd98 error 4 in libc.so.6[167ad8,7f1421c44000+156000] likely on CPU 1 (core 1, socket 0)", "python3", 32390, "SIGSEGV")]
    // The formats of arch/x86/kernel/traps.c: "traps: %s[%d] general protection fault ..." and "traps: %s[%d] trap %s ...".
    [InlineData("2026-12-01T20:41:00,000000+00:00 traps: node[4711] general protection fault ip:55d0c1a2b3c4 sp:7ffc9b0 error:0 in node[55d0c0000000+2000000]", "node", 4711, "SIGSEGV")]
    [InlineData("Dec  1 20:41:00 web1 kernel: [40600.1] traps: php-fpm8.2[815] trap invalid opcode ip:7f0 sp:7ff error:0 in opcache.so[7f0+1000]", "php-fpm8.2", 815, "SIGILL")]
    [InlineData("2026-12-01T20:41:00,000000+00:00 traps: gunicorn[99] trap divide error ip:7f0 sp:7ff error:0 in libm.so.6", "gunicorn", 99, "SIGFPE")]
    public void A_crash_line_gives_the_process_its_pid_and_the_signal(string line, string process, int pid, string signal)
    {
        var crash = KernelEventParser.Crash(line, Now)!;
        Assert.Equal((process, pid, signal), (crash.Process, crash.Pid, crash.Signal));
    }

    [Fact]
    public void An_apparmor_denial_names_its_profile_operation_and_path()
    {
        var d = KernelEventParser.Denial(MacDenialFixtures.AppArmor("/run/php/php8.2-fpm.sock"), Now)!;
        Assert.Equal(("AppArmor", "connect", "nginx", "/run/php/php8.2-fpm.sock", 101, "nginx"), (d.Module, d.Operation, d.Profile, d.Target, d.Pid, d.Command));
        Assert.InRange(d.Time, FactsBuilder.Now.AddSeconds(-30), FactsBuilder.Now.AddSeconds(-29));
    }

    [Fact]
    public void A_selinux_denial_names_the_permission_the_domain_and_the_port()
    {
        var d = KernelEventParser.Denial(MacDenialFixtures.SelinuxPort(8080), Now)!;
        Assert.Equal(("SELinux", "name_connect", "httpd_t", "port 8080", "nginx"), (d.Module, d.Operation, d.Profile, d.Target, d.Command));
    }

    [Theory]
    [InlineData("2026-12-01T20:41:00,000000+00:00 audit: type=1400 audit(1764622860.1:5): apparmor=\"ALLOWED\" operation=\"connect\" profile=\"nginx\" name=\"/run/x.sock\" comm=\"nginx\"")]
    [InlineData("2026-12-01T20:41:00,000000+00:00 python3[1]: segfault handler installed")]
    public void Lines_that_are_neither_are_not_read_as_such(string line)
    {
        Assert.Null(KernelEventParser.Denial(line, Now));
        Assert.Null(KernelEventParser.Crash(line, Now));
    }
}
