using System.CommandLine;
using System.Runtime.InteropServices;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host.Watch;

namespace NgxDoctor.Cli.Commands;

/// <summary>`watch`: follow the instance's error logs and diagnose at the moment failures start.</summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var config = SharedOptions.Config();
        var pid = SharedOptions.Pid();
        var container = SharedOptions.Container();
        var json = new Option<bool>("--json") { Description = "one JSON object per line for each incident start and end" };
        var duration = new Option<string?>("--duration") { Description = "stop after this long (e.g. 30s, 1h); default: until Ctrl-C or SIGTERM" };
        var failures = new Option<int>("--failures") { Description = "upstream failures within --window that start an incident", DefaultValueFactory = _ => WatchThreshold.Default.Failures };
        var window = new Option<string>("--window") { Description = "the window of --failures; an incident ends after a window without failures", DefaultValueFactory = _ => "10s" };
        var probeTimeout = SharedOptions.ProbeTimeout();
        var noBundles = new Option<bool>("--no-bundles") { Description = "write no bundle per incident (default: incidents/ of the state directory, /var/lib/ngxdoctor as root)" };
        var cmd = new Command("watch", """
            Follow nginx's error logs as they are written (rotation by rename or copytruncate included) and, when
            upstream failures start, diagnose at once, while the failure can still be seen: the backend that is down
            for two seconds is down while it is diagnosed. One line per incident start (with the verdict at that
            moment and the bundle of its facts, for `diagnose --from`) and end. Exit 0 when no incident was seen,
            2 when one was.

            Examples:
              ngxdoctor watch
              ngxdoctor watch --json --failures 5 --window 30s > incidents.jsonl
              ngxdoctor watch --duration 10m --config /srv/shop/nginx.conf
              ngxdoctor diagnose --from /var/lib/ngxdoctor/incidents/20261201-221403-127.0.0.1_3000.tar.gz
            """)
        {
            config, pid, container, json, duration, failures, window, probeTimeout, noBundles,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var threshold = new WatchThreshold(r.GetValue(failures) is var n and > 0 and <= 100_000 ? n : throw new UsageException("--failures must be between 1 and 100000"),
                UsageException.Duration("--window", r.GetValue(window)));
            var options = new WatchOptions(threshold, TimeSpan.FromMilliseconds(200), new CollectOptions
            {
                ProbeTimeout = TimeSpan.FromSeconds(UsageException.Seconds("--probe-timeout", r.GetValue(probeTimeout), 600)),
            }, r.GetValue(noBundles) ? null : IncidentStore.Default());
            var located = await DiagnosisService.LocateOneAsync(r.GetValue(config), new InstanceSelector(r.GetValue(pid), r.GetValue(container)), ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (r.GetValue(duration) is { } d)
            {
                stop.CancelAfter(UsageException.Duration("--duration", d));
            }

            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            var asJson = r.GetValue(json);
            var seen = 0;
            var notes = new List<string>();
            await WatchSession.RunAsync(located, options, e =>
            {
                seen += e.Change.Phase == IncidentPhase.Started ? 1 : 0;
                Console.Out.WriteLine(asJson ? WatchRenderer.Json(e) : WatchRenderer.Text(e));
                Console.Out.Flush();
                return Task.CompletedTask;
            }, notes, stop.Token);
            foreach (var note in notes)
            {
                Console.Error.WriteLine($"ngxdoctor: watch: {Core.Text.SafeText.Escape(note, 500)}");
            }

            return seen > 0 ? 2 : 0;
        }));
        return cmd;
    }
}
