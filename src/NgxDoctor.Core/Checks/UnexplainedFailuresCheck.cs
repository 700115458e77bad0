using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;
using NgxDoctor.Core.RequestPath;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// Failing requests nginx logged in the window that no other finding explains (<see cref="FailureLedger"/>): an
/// error line no check knows, a 5xx nginx answered with no error line (`return 503`, an internal redirection cycle),
/// clients that gave up below the clients-gave-up threshold. Shown, quoted, never silence: critical while 5xx or cut
/// responses go on now, a warning once they stopped (or for error lines of unknown outcome), info for 499s alone.
/// </summary>
public sealed class UnexplainedFailuresCheck : IAccountingCheck
{
    private const int Shown = 6;

    public string Id => Cause.UnexplainedFailures.Code();

    public string Title => "Every failing request nginx logged is explained";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.UnexplainedFailures];

    public IReadOnlyList<Fact> Needs => [];

    /// <summary>Alone (no other finding explains anything): every failure of the window is left.</summary>
    public CheckOutcome Run(DiagnosisFacts facts) => Run(facts, FailureLedger.Account(facts, []).Unexplained);

    public CheckOutcome Run(DiagnosisFacts facts, IReadOnlyList<LogIncident> left)
    {
        if (facts.Logs is not { } logs)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected(Fact.ErrorLog) ?? Fact.ErrorLog.Absent());
        }

        if (left.Count == 0)
        {
            return CheckOutcome.Ran([]);
        }

        var sets = left.OrderByDescending(i => Serious(i) && Now(logs, i)).ThenByDescending(i => i.Count).ToList();
        var observed = FailureLedger.Summary(facts, logs, left);
        var upstreams = sets.Select(i => i.Upstream).OfType<string>().Distinct().ToList();
        var evidence = LogEvidence.For(sets.Take(Shown));
        if (sets.Count > Shown)
        {
            evidence.Add(new Evidence(EvidenceKind.Log, "error log", $"and {sets.Skip(Shown).Sum(i => i.Count)} more in {sets.Count - Shown} other set(s): ngxdoctor logs"));
        }

        var finding = new Finding(Cause.UnexplainedFailures, SeverityOf(logs, left), upstreams.FirstOrDefault(),
            $"nginx logged {observed.Failures} failing request(s) that no check explains: {string.Join(", ", sets.Take(3).Select(Part))}{(sets.Count > 3 ? ", ..." : "")}; the last at {LogEvidence.Time(left.Max(i => i.LastSeen))}",
            evidence,
            new Remedy("No check of ngxdoctor knows these failures: nginx's own words in the quoted lines say what failed. `ngxdoctor logs` shows when and in which locations; read the backend's log at those times. A 5xx nginx answered without an error line is usually the configuration's own (`return 5xx`, an internal redirection cycle, error_page to a missing file): `ngxdoctor route URL` names the location that served it.",
                [$"ngxdoctor logs --since {(int)Math.Ceiling(logs.Since.TotalMinutes)}m"]))
        {
            Check = Id,
            Observed = observed,
            Affects = upstreams.Count > 1 ? upstreams : [],
        };
        return CheckOutcome.Ran([finding]);
    }

    /// <summary>A request that got a 5xx or a cut body; an unclassified line without a status may not have failed one, a 499 is the client's.</summary>
    private static bool Serious(LogIncident i) => i.Kind != FailureKind.ClientClosed && (i.Kind != FailureKind.Unclassified || i.Status >= 500);

    private static bool Now(LogFacts logs, LogIncident i) => !LogEvidence.HasStopped(logs, [i]);

    private static Severity SeverityOf(LogFacts logs, IReadOnlyList<LogIncident> left) =>
        logs.BeforeChange(left) ? Severity.Info
        : left.Any(i => Serious(i) && Now(logs, i)) ? Severity.Critical
        : left.Any(i => i.Kind != FailureKind.ClientClosed) ? Severity.Warning
        : Severity.Info;

    private static string Part(LogIncident i)
    {
        var what = i.Kind switch
        {
            FailureKind.Nginx5xx when i.Phase == AccessAggregator.UnattributedPhase => $"{i.Status} with no error line (no $upstream_status logged: nginx's or the backend's)",
            FailureKind.Nginx5xx => $"{i.Status} nginx answered with no error line",
            FailureKind.ClientClosed => "499 (the client gave up)",
            FailureKind.Unclassified => $"\"{ErrorLine(i)}\"",
            _ => $"{i.Kind.Code()}{(i.Status is { } s ? $" ({s})" : "")}",
        };
        return $"{i.Count} × {what}{(i.Upstream is { } u ? $" at {u}" : "")}";
    }

    /// <summary>What nginx said in the first sample, short.</summary>
    private static string ErrorLine(LogIncident i)
    {
        var message = i.Samples.Select(s => ErrorLogParser.Parse(s.Text)?.Message).FirstOrDefault(m => m is not null) ?? "an error line";
        var cut = message.IndexOf(" while ", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        return message.Length > 60 ? message[..57] + "..." : message;
    }
}
