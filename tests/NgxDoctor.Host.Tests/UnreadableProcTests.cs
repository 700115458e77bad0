using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Diagnosis;

namespace NgxDoctor.Host.Tests;

/// <summary>A /proc without net/tcp (a container's masked /proc, a bad --proc root): the listener table is unknown, never empty.</summary>
public sealed class UnreadableProcTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Without_proc_net_tcp_the_checks_that_need_listeners_say_why_they_did_not_run()
    {
        var proc = Directory.CreateDirectory(Path.Combine(_dir, "proc")).FullName;
        var conf = Path.Combine(_dir, "nginx.conf");
        await File.WriteAllTextAsync(conf, $"pid {_dir}/nginx.pid;\nerror_log {_dir}/error.log;\nevents {{}}\nhttp {{\n access_log off;\n server {{ listen 127.0.0.1:9; location / {{ proxy_pass http://127.0.0.1:9; }} }}\n}}\n");

        var located = await DiagnosisService.LocateAsync(conf, default, proc);
        var diagnosed = await DiagnosisService.DiagnoseAsync(located, new CollectOptions { ProcRoot = proc, RunConfigTest = false }, default);

        Assert.Null(diagnosed.Facts.Listeners);
        var note = Assert.Single(diagnosed.Facts.NotCollected, n => n.What == Fact.Listeners);
        Assert.Contains("net/tcp could not be read", note.Reason, StringComparison.Ordinal);
        foreach (var id in new[] { "wrong-address", "firewall", "accept-queue", "connect-timeout" })
        {
            var run = diagnosed.Report.Checks.Single(c => c.Id == id);
            Assert.True(run.Outcome == CheckStatus.Skipped && run.Reason == note.Reason, $"{id}: {run}");
        }
    }
}
