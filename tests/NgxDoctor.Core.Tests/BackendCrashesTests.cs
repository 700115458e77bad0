using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

/// <summary>A crash is named beside nginx's cut connections only for a process of that upstream's name, near their time.</summary>
public sealed class BackendCrashesTests
{
    private static KernelCrash Crash(string process, double minutesAgo) =>
        new(FactsBuilder.Now.AddMinutes(-minutesAgo), 4711, process, "SIGSEGV", $"{process}[4711]: segfault at 0 ip 00007f1421d85ad8 sp 00007ffd50cacd98 error 4 in libc.so.6");

    private static Finding Diagnose(params KernelCrash[] crashes)
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", Facts.ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Log(FailureKind.PrematureClose, Cause.UpstreamCrash, "127.0.0.1:3000") with { KernelCrashes = crashes };
        return Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, f => f.Cause == Cause.UpstreamCrash);
    }

    [Fact]
    public void The_backends_own_crash_near_the_failures_is_evidence_and_the_remedy()
    {
        var f = Diagnose(Crash("node", 0.5));
        Assert.Contains(f.Evidence, e => e.Text.StartsWith("node (pid 4711) died of SIGSEGV at ", StringComparison.Ordinal));
        Assert.StartsWith("node crashed (SIGSEGV", f.Remedy.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("python3", 0.5)]
    [InlineData("node", 30)]
    public void Another_programs_crash_or_one_long_before_is_not(string process, double minutesAgo)
    {
        var f = Diagnose(Crash(process, minutesAgo));
        Assert.DoesNotContain(f.Evidence, e => e.Text.Contains("died of", StringComparison.Ordinal));
        Assert.DoesNotContain("crashed (SIGSEGV", f.Remedy.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2.0, true)]
    [InlineData(-6.0, false)]
    public void A_backend_process_younger_than_the_failures_is_named_as_restarted(double startedMinutesAgo, bool named)
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", Facts.ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Log(FailureKind.PrematureClose, Cause.UpstreamCrash, "127.0.0.1:3000");
        var listener = facts.Listeners![0];
        facts = facts with { Listeners = [listener with { Processes = [listener.Processes[0] with { Started = FactsBuilder.Now.AddMinutes(startedMinutesAgo) }] }] };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamCrash);
        Assert.Equal(named, f.Evidence.Any(e => e.Text.Contains("which listens on 127.0.0.1:3000 now, started at", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(40.0, false)]
    public void An_oom_kill_stands_beside_a_crash_only_near_the_failures(double minutesAgo, bool shown)
    {
        var facts = FactsBuilder.FromConfig(UpstreamDownFixtures.NodeSite).Probe("127.0.0.1:3000", Facts.ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node")
            .Log(FailureKind.PrematureClose, Cause.UpstreamCrash, "127.0.0.1:3000") with
        {
            OomKills = [new OomKill(FactsBuilder.Now.AddMinutes(-minutesAgo), 4242, "node", "Out of memory: Killed process 4242 (node) total-vm:512000kB")],
        };
        var f = Assert.Single(DiagnosisEngine.Diagnose(facts).Findings, x => x.Cause == Cause.UpstreamCrash);
        Assert.Equal(shown, f.Evidence.Any(e => e.Text.Contains("Killed process 4242", StringComparison.Ordinal)));
    }
}
