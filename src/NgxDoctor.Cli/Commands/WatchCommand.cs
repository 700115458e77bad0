using System.CommandLine;
using System.Runtime.InteropServices;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host.Watch;

namespace NgxDoctor.Cli.Commands;

/// <summary>`watch`: follow the instance's logs, diagnose at the moment failures start, and export what it counts.</summary>
public static class WatchCommand
{
    private sealed record Opts(
        Option<string?> Config, Option<int?> Pid, Option<string?> Container, Option<bool> Json, Option<bool> Plain, Option<string?> Duration,
        Option<int> Failures, Option<string> Window, Option<double> ErrorRate, Option<int> MinRequests, Option<double> ProbeTimeout,
        Option<bool> NoBundles, Option<string?> MetricsListen, Option<string?> Textfile, Option<string?> Settings);

    public static Command Create()
    {
        var o = new Opts(
            SharedOptions.Config(), SharedOptions.Pid(), SharedOptions.Container(),
            new Option<bool>("--json") { Description = "one JSON object per line for each incident start and end" },
            new Option<bool>("--plain") { Description = "one line per incident start and end even on a terminal (no live view)" },
            new Option<string?>("--duration") { Description = "stop after this long (e.g. 30s, 1h); default: until Ctrl-C or SIGTERM" },
            new Option<int>("--failures") { Description = "upstream failures (error log) within --window that start an incident", DefaultValueFactory = _ => WatchThreshold.Default.Failures },
            new Option<string>("--window") { Description = "the window of --failures and --error-rate; an incident ends after a window without failures", DefaultValueFactory = _ => "10s" },
            new Option<double>("--error-rate") { Description = "percent of 5xx (access log) within --window that starts an incident; 0: none", DefaultValueFactory = _ => 10 },
            new Option<int>("--min-requests") { Description = "requests within --window before --error-rate applies", DefaultValueFactory = _ => 20 },
            SharedOptions.ProbeTimeout(),
            new Option<bool>("--no-bundles") { Description = "write no bundle per incident (default: incidents/ of the state directory, /var/lib/ngxdoctor as root)" },
            new Option<string?>("--metrics-listen") { Description = "serve Prometheus metrics at http://ADDR:PORT/metrics; a bare :PORT is 127.0.0.1 (0.0.0.0:PORT exposes them to the network)" },
            new Option<string?>("--textfile") { Description = "write DIR/ngxdoctor.prom for node_exporter's textfile collector (every 15 s and at the end)" },
            new Option<string?>("--settings") { Description = "read options from FILE (`name = value` per line; the command line wins), e.g. /etc/ngxdoctor/watch.conf" });
        var cmd = new Command("watch", """
            Follow nginx's error and access logs as they are written (rotation by rename or copytruncate included) and,
            when upstream failures start (--failures within --window, or --error-rate percent of 5xx), diagnose at once,
            while the failure can still be seen: the backend that is down for two seconds is down while it is diagnosed.
            Each incident keeps the verdict of the moment it was worst and a bundle of its facts (`diagnose --from`).
            On a terminal: a live view of every upstream (rate, 5xx, p50/p99, a sparkline). Piped, or with --plain:
            one line per incident start and end; --json: JSON lines. Exit 0 when no incident was seen, 2 when one was.

            Examples:
              ngxdoctor watch
              ngxdoctor watch --json --failures 5 --window 30s > incidents.jsonl
              ngxdoctor watch --metrics-listen 127.0.0.1:9464 --plain
              ngxdoctor watch --textfile /var/lib/prometheus/node-exporter --no-bundles
              ngxdoctor watch --settings /etc/ngxdoctor/watch.conf
              ngxdoctor diagnose --from /var/lib/ngxdoctor/incidents/20261201-221403-127.0.0.1_3000.tar.gz
            """)
        {
            o.Config, o.Pid, o.Container, o.Json, o.Plain, o.Duration, o.Failures, o.Window, o.ErrorRate, o.MinRequests, o.ProbeTimeout, o.NoBundles,
            o.MetricsListen, o.Textfile, o.Settings,
        };
        cmd.SetAction((given, ct) => CliErrors.GuardAsync(async () =>
        {
            var r = given.GetValue(o.Settings) is { } file ? SettingsFile.Merge(cmd, given, file) : given;
            return await RunAsync(r, o, ct);
        }));
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult r, Opts o, CancellationToken ct)
    {
        var rate = r.GetValue(o.ErrorRate) is var p and >= 0 and <= 100 ? p : throw new UsageException("--error-rate must be a percent between 0 and 100");
        var threshold = new WatchThreshold(r.GetValue(o.Failures) is var n and > 0 and <= 100_000 ? n : throw new UsageException("--failures must be between 1 and 100000"),
            UsageException.Duration("--window", r.GetValue(o.Window)))
        {
            ErrorRate = rate == 0 ? null : rate / 100,
            MinRequests = r.GetValue(o.MinRequests) is var m and > 0 and <= 10_000_000 ? m : throw new UsageException("--min-requests must be between 1 and 10000000"),
        };
        var listen = r.GetValue(o.MetricsListen) is { } l ? Endpoint(l) : ((string, int)?)null;
        var textfile = r.GetValue(o.Textfile) is { } dir ? (Directory.Exists(dir) ? dir : throw new UsageException($"--textfile: {dir} is not a directory")) : null;
        var located = await DiagnosisService.LocateOneAsync(r.GetValue(o.Config), new InstanceSelector(r.GetValue(o.Pid), r.GetValue(o.Container)), ct);
        var metrics = new WatchMetrics(located.ConfigFile);
        var stats = new TrafficStats();
        var options = new WatchOptions(threshold, TimeSpan.FromMilliseconds(200), new CollectOptions
        {
            ProbeTimeout = TimeSpan.FromSeconds(UsageException.Seconds("--probe-timeout", r.GetValue(o.ProbeTimeout), 600)),
        }, r.GetValue(o.NoBundles) ? null : IncidentStore.Default()) { Observers = [metrics, stats] };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (r.GetValue(o.Duration) is { } d)
        {
            stop.CancelAfter(UsageException.Duration("--duration", d));
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        using var server = listen is { } at ? Serve(metrics, at) : null;
        var output = new WatchOutput(r.GetValue(o.Json), r.GetValue(o.Plain) || r.GetValue(o.Json) || Console.IsOutputRedirected, located.ConfigFile, stats);
        var notes = new List<string>();
        var session = new WatchSession(located, options, output.EmitAsync, notes);
        var exported = DateTime.MinValue;
        await output.RunAsync(async tick => await session.RunAsync(stop.Token, now =>
        {
            tick(now);
            if (textfile is not null && now - exported >= TimeSpan.FromSeconds(15))
            {
                exported = now;
                Textfile(metrics, textfile, notes);
            }
        }));
        if (textfile is not null)
        {
            Textfile(metrics, textfile, notes);
        }

        foreach (var note in notes.Distinct())
        {
            Console.Error.WriteLine($"ngxdoctor: watch: {Core.Text.SafeText.Escape(note, 500)}");
        }

        return output.Incidents > 0 ? 2 : 0;
    }

    /// <summary>A textfile that cannot be written is a note (the watch goes on), not the watch's end.</summary>
    private static void Textfile(WatchMetrics metrics, string dir, List<string> notes)
    {
        try
        {
            metrics.WriteTextfileAsync(dir, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"--textfile {dir}: {e.Message}");
        }
    }

    private static IDisposable Serve(WatchMetrics metrics, (string Host, int Port) at)
    {
        try
        {
            return metrics.Serve(at.Host, at.Port);
        }
        catch (Exception e) when (e is System.Net.HttpListenerException or InvalidOperationException)
        {
            throw new UsageException($"--metrics-listen {at.Host}:{at.Port}: {e.Message}");
        }
    }

    /// <summary>"127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464" (every address, as written), ":9464" or "9464" (loopback).</summary>
    private static (string, int) Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 && text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            text = ":" + text;
            colon = 0;
        }

        var host = colon < 0 ? "" : text[..colon].Trim('[', ']');
        return colon >= 0 && int.TryParse(text[(colon + 1)..], out var port) && port is > 0 and < 65536
            ? (host.Length == 0 ? "127.0.0.1" : host, port)
            : throw new UsageException($"--metrics-listen: \"{Core.Text.SafeText.Escape(text, 80)}\" is not ADDR:PORT such as 127.0.0.1:9464");
    }
}
