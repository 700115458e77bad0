using System.Globalization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Watch;
using Prometheus;

namespace NgxDoctor.Host.Watch;

/// <summary>
/// A watch's counts as Prometheus metrics (prometheus-net, its own registry: nothing else of the process is
/// exported), labelled by instance (its configuration file) and upstream (bounded by <see cref="UpstreamKeys"/>).
/// Served at /metrics with <see cref="Serve"/>, written for node_exporter's textfile collector with <see cref="WriteTextfileAsync"/>.
/// </summary>
public sealed class WatchMetrics : IWatchObserver
{
    /// <summary>Buckets of $upstream_response_time, seconds.</summary>
    public static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly string _instance;
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Histogram _latency;
    private readonly Counter _incidents;
    private readonly Gauge _open;
    private readonly Gauge _status;
    private readonly Gauge _diagnosedAt;

    public WatchMetrics(string instance)
    {
        _instance = Label(instance);
        var f = Metrics.WithCustomRegistry(_registry);
        _requests = f.CreateCounter("ngxdoctor_requests_total", "Requests nginx's access logs wrote, by upstream ($upstream_addr, last try; \"\" when nginx answered itself) and status.", "nginx_config", "upstream", "status");
        _errors = f.CreateCounter("ngxdoctor_upstream_errors_total", "Upstream failures nginx's error logs wrote, by the cause their message names (ngxdoctor's cause codes).", "nginx_config", "upstream", "cause");
        _latency = f.CreateHistogram("ngxdoctor_upstream_response_seconds", "$upstream_response_time of the last try, from access logs that log it.", new HistogramConfiguration { LabelNames = ["nginx_config", "upstream"], Buckets = Buckets });
        _incidents = f.CreateCounter("ngxdoctor_incidents_total", "Incidents started (failures or a 5xx share over the threshold within the window).", "nginx_config", "upstream", "cause");
        _open = f.CreateGauge("ngxdoctor_incident_open", "1 while an incident of the upstream is in progress.", "nginx_config", "upstream");
        _status = f.CreateGauge("ngxdoctor_last_diagnosis_status", "The status of the last diagnosis an incident started: 0 ok, 1 warning, 2 critical, 3 unknown (Nagios' codes).", "nginx_config");
        _diagnosedAt = f.CreateGauge("ngxdoctor_last_diagnosis_timestamp_seconds", "When that diagnosis was made, Unix time.", "nginx_config");
        _status.WithLabels(_instance).Set((int)Status.Unknown);
    }

    public CollectorRegistry Registry => _registry;

    public void Request(in RequestEvent request)
    {
        _requests.WithLabels(_instance, Label(request.Upstream), request.Status.ToString(CultureInfo.InvariantCulture)).Inc();
        if (request.UpstreamSeconds is { } s)
        {
            _latency.WithLabels(_instance, Label(request.Upstream)).Observe(s);
        }
    }

    public void Failure(FailureEvent failure) => _errors.WithLabels(_instance, Label(failure.Upstream), failure.Cause.Code()).Inc();

    public void Incident(WatchEvent e)
    {
        var started = e.Change.Phase == IncidentPhase.Started;
        _open.WithLabels(_instance, Label(e.Change.Upstream)).Set(started ? 1 : 0);
        if (!started)
        {
            return;
        }

        _incidents.WithLabels(_instance, Label(e.Change.Upstream), e.Change.Cause.Code()).Inc();
        _status.WithLabels(_instance).Set((int)(e.Verdict?.Status ?? Status.Unknown));
        _diagnosedAt.WithLabels(_instance).Set(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>A label value from a log or a configuration: control characters as visible escapes, never raw bytes.</summary>
    private static string Label(string value) => Core.Text.SafeText.Escape(value, 512);

    /// <summary>Serves /metrics on ADDR:PORT until disposed ("0.0.0.0" or "*": every address).</summary>
    public IDisposable Serve(string host, int port)
    {
        var server = new MetricServer(host is "0.0.0.0" or "*" or "[::]" ? "+" : host, port, "metrics/", _registry);
        return server.Start();
    }

    /// <summary>
    /// DIR/ngxdoctor.prom, replaced whole (a temporary file renamed over it): the collector never reads half a file.
    /// The temporary file is created new (never through a link planted there) and its mode set on the open handle.
    /// </summary>
    public async Task WriteTextfileAsync(string dir, CancellationToken ct)
    {
        var path = Path.Combine(dir, "ngxdoctor.prom");
        var temp = Path.Combine(dir, $".ngxdoctor.prom.{Environment.ProcessId}.tmp");
        File.Delete(temp);
        await using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            File.SetUnixFileMode(f.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await _registry.CollectAndExportAsTextAsync(f, ct).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }
}
