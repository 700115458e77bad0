using System.Diagnostics;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Diagnosis;

namespace NgxDoctor.Host.Watch;

/// <summary>What a watch reports: an incident starting (with the diagnosis made at that moment) or ending.</summary>
public sealed record WatchEvent(IncidentChange Change, DiagnosisReport? Verdict, double? DiagnosedInMs)
{
    /// <summary>The incident's bundle (facts and configuration at its start), for `diagnose --from`.</summary>
    public string? Bundle { get; init; }
}

/// <summary>How a watch decides and where it keeps its incidents (none: no bundles written).</summary>
public sealed record WatchOptions(WatchThreshold Threshold, TimeSpan Poll, CollectOptions Collect, IncidentStore? Store);

/// <summary>
/// Follows an instance's error logs as they are written, classifies each line as `logs` does (one classifier), and
/// turns the failures into incidents; when one starts, the instance is diagnosed at once, while the failure is
/// still there to be seen (the listener gone, the queue full). When the watch stops, an incident in progress is ended
/// and reported.
/// </summary>
public static class WatchSession
{
    public static async Task RunAsync(LocatedInstance located, WatchOptions options, Func<WatchEvent, Task> emit, List<string> notes, CancellationToken ct)
    {
        var config = located.LoadConfig();
        var followers = Logs.LogCollector.ErrorLogs(config, located).Where(t => t.IsFile && Path.IsPathRooted(t.Path))
            .Select(t => located.From.Root.Map(t.Path)).Distinct(StringComparer.Ordinal).Select(p => new LogFollower(p)).ToList();
        notes.AddRange(followers.Where(f => f.Problem is not null).Select(f => f.Problem!));
        if (followers.Count == 0)
        {
            notes.Add("no error log file to follow");
        }

        var detector = new IncidentDetector(options.Threshold);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var e in followers.SelectMany(f => f.Poll()).Select(Failure).OfType<FailureEvent>())
                {
                    await ReportAsync(detector.Add(e)).ConfigureAwait(false);
                }

                await ReportAsync(detector.Tick(DateTime.Now)).ConfigureAwait(false);
                try
                {
                    await Task.Delay(options.Poll, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            foreach (var change in detector.Close(DateTime.Now))
            {
                await emit(new WatchEvent(change, null, null)).ConfigureAwait(false);
            }
        }
        finally
        {
            followers.ForEach(f => f.Dispose());
        }

        async Task ReportAsync(IReadOnlyList<IncidentChange> changes)
        {
            foreach (var change in changes)
            {
                if (change.Phase != IncidentPhase.Started)
                {
                    await emit(new WatchEvent(change, null, null)).ConfigureAwait(false);
                    continue;
                }

                var clock = Stopwatch.StartNew();
                var diagnosed = await DiagnosisService.DiagnoseAsync(located, options.Collect, ct).ConfigureAwait(false);
                var took = clock.Elapsed.TotalMilliseconds;
                await emit(new WatchEvent(change, diagnosed.Report, took) { Bundle = options.Store?.Write(change, diagnosed.Facts, diagnosed.Config) }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An error-log line that says an upstream failed; null for every other line.</summary>
    public static FailureEvent? Failure(string line)
    {
        if (ErrorLogParser.Parse(line) is not { } entry || ErrorClassifier.Classify(entry) is not { Cause: { } cause } c || c.Kind == FailureKind.Unclassified)
        {
            return null;
        }

        return new FailureEvent(entry.Time, c.Kind, cause, ErrorClassifier.Peer(entry) ?? "(no upstream)", c.Status, Redactor.Line(line, keepQuery: false));
    }
}
