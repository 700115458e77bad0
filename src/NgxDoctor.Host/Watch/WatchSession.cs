using System.Diagnostics;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Diagnosis;

namespace NgxDoctor.Host.Watch;

/// <summary>How a watch decides and where it keeps its incidents (none: no bundles written).</summary>
public sealed record WatchOptions(WatchThreshold Threshold, TimeSpan Poll, CollectOptions Collect, IncidentStore? Store)
{
    /// <summary>While an incident lasts and its verdict is not critical, it is diagnosed again this often; the worst verdict is kept.</summary>
    public TimeSpan Rediagnose { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Who else sees every request, failure and incident change (the metrics, the live view's counts).</summary>
    public IReadOnlyList<IWatchObserver> Observers { get; init; } = [];
}

/// <summary>
/// Follows an instance's error and access logs as they are written, classifies each error line as `logs` does (one
/// classifier), counts requests per upstream, and turns failures (or a share of 5xx) into incidents; when one starts,
/// the instance is diagnosed at once, while the failure is still there to be seen (the listener gone, the queue
/// full), and again while it lasts, keeping the worst verdict. When the watch stops, an incident in progress is ended.
/// </summary>
public sealed class WatchSession(LocatedInstance located, WatchOptions options, Func<WatchEvent, Task> emit, List<string> notes)
{
    private readonly UpstreamKeys _keys = new();
    private readonly RecentFailures _recent = new();
    private readonly Dictionary<string, WatchEvent> _worst = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _diagnosedAt = new(StringComparer.Ordinal);
    private IncidentDetector _detector = new(options.Threshold);

    public static Task RunAsync(LocatedInstance located, WatchOptions options, Func<WatchEvent, Task> emit, List<string> notes, CancellationToken ct) =>
        new WatchSession(located, options, emit, notes).RunAsync(ct);

    /// <param name="tick">Called after every poll (the live view redraws from its counts).</param>
    public async Task RunAsync(CancellationToken ct, Action<DateTime>? tick = null)
    {
        var logs = WatchLogs.Open(located.LoadConfig(), located, notes);
        _detector = new IncidentDetector(options.Threshold);
        try
        {
            // Error logs first: a failed request's error line is written before its access line, and names its upstream.
            logs = [.. logs.Where(l => l.Access is null), .. logs.Where(l => l.Access is not null)];
            while (!ct.IsCancellationRequested)
            {
                foreach (var log in logs)
                {
                    await ReadAsync(log, ct).ConfigureAwait(false);
                }

                await ReportAsync(_detector.Tick(DateTime.Now), ct).ConfigureAwait(false);
                await RediagnoseAsync(ct).ConfigureAwait(false);
                tick?.Invoke(DateTime.Now);
                try
                {
                    await Task.Delay(options.Poll, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await ReportAsync(_detector.Close(DateTime.Now), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            notes.AddRange(logs.Select(l => l.Follower.Problem).OfType<string>());
            logs.ForEach(l => l.Follower.Dispose());
        }
    }

    private async Task ReadAsync(FollowedLog log, CancellationToken ct)
    {
        var lines = log.Poll();
        // A log that turned bad (swapped for a link, a directory, a FIFO) is a note when it happens; the watch goes on.
        if (log.Follower.Problem is { } problem && !notes.Contains(problem))
        {
            notes.Add(problem);
        }

        foreach (var line in lines)
        {
            if (log.Access is null)
            {
                if (Failure(line, _recent) is { } f)
                {
                    f = f with { Upstream = _keys.Of(f.Upstream) };
                    Each(o => o.Failure(f));
                    await ReportAsync(_detector.Add(f), ct).ConfigureAwait(false);
                }
            }
            else if (WatchLogs.Request(log.Access, line) is { } r)
            {
                if (!r.UpstreamLogged && r.Failed && _recent.UpstreamOf(r.Key.Client, r.Key.Request, r.Time) is { } named)
                {
                    r = r with { Upstream = named };
                }

                r = r with { Upstream = r.Upstream.Length == 0 ? r.Upstream : _keys.Of(r.Upstream) };
                Each(o => o.Request(r));
                await ReportAsync(_detector.Observe(r), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        foreach (var change in changes)
        {
            WatchEvent e;
            if (change.Phase == IncidentPhase.Started)
            {
                e = await DiagnoseAsync(change, ct).ConfigureAwait(false);
                _worst[change.Upstream] = e;
            }
            else
            {
                var worst = _worst.GetValueOrDefault(change.Upstream);
                _worst.Remove(change.Upstream);
                _diagnosedAt.Remove(change.Upstream);
                e = new WatchEvent(change, worst?.Verdict, worst?.DiagnosedInMs) { Bundle = worst?.Bundle };
                options.Store?.Summarize(e);
            }

            Each(o => o.Incident(e));
            await emit(e).ConfigureAwait(false);
        }
    }

    /// <summary>An incident whose verdict is not yet critical is diagnosed again; a worse verdict (and its bundle) replaces the kept one.</summary>
    private async Task RediagnoseAsync(CancellationToken ct)
    {
        foreach (var (upstream, kept) in _worst.ToList())
        {
            if (kept.Verdict?.Status == Status.Critical || DateTime.Now - _diagnosedAt.GetValueOrDefault(upstream) < options.Rediagnose)
            {
                continue;
            }

            var again = await DiagnoseAsync(kept.Change, ct).ConfigureAwait(false);
            if (InstanceReports.Badness(again.Verdict?.Status ?? Status.Unknown) > InstanceReports.Badness(kept.Verdict?.Status ?? Status.Unknown))
            {
                _worst[upstream] = again;
            }
        }
    }

    private async Task<WatchEvent> DiagnoseAsync(IncidentChange change, CancellationToken ct)
    {
        _diagnosedAt[change.Upstream] = DateTime.Now;
        var clock = Stopwatch.StartNew();
        try
        {
            var diagnosed = await DiagnosisService.DiagnoseAsync(located, options.Collect, ct).ConfigureAwait(false);
            var took = clock.Elapsed.TotalMilliseconds;
            return new WatchEvent(change, diagnosed.Report, took) { Bundle = options.Store?.Write(change, diagnosed.Facts, diagnosed.Config) };
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException)
        {
            notes.Add($"the diagnosis of the incident of {change.Upstream} failed: {x.Message}");
            return new WatchEvent(change, null, null);
        }
    }

    private void Each(Action<IWatchObserver> act)
    {
        foreach (var o in options.Observers)
        {
            act(o);
        }
    }

    /// <summary>An error-log line that says an upstream failed; null for every other line. Its request is remembered in <paramref name="recent"/>.</summary>
    public static FailureEvent? Failure(string line, RecentFailures? recent = null)
    {
        if (ErrorLogParser.Parse(line) is not { } entry || ErrorClassifier.Classify(entry) is not { Cause: { } cause } c || c.Kind == FailureKind.Unclassified)
        {
            return null;
        }

        if (recent is not null && entry.Client is { } client && entry.Request is { } request && ErrorClassifier.Peer(entry) is { } peer)
        {
            recent.Add(client, request, peer, entry.Time);
        }

        return new FailureEvent(entry.Time, c.Kind, cause, ErrorClassifier.Peer(entry) ?? "(no upstream)", c.Status, Redactor.Line(line, keepQuery: false));
    }
}
