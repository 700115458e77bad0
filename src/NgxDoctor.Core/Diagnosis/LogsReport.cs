using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>The `logs` command's document: what the logs of the window say, and what could not be read.</summary>
public sealed record LogsReport(LogFacts Logs, IReadOnlyList<NotCollected> Skipped)
{
    /// <summary>
    /// 502 and 504 responses of the access log that no error-log entry of the window explains (the error log is
    /// elsewhere, off, or was not given): a table of 502s must never sit under "no upstream failure".
    /// </summary>
    public int UnexplainedGatewayErrors => Logs.Incidents.Count > 0 || Logs.Access is not { } a ? 0
        : Math.Max(0, a.Minutes.Sum(m => m.Status502 + m.Status504) - a.BackendErrors.Where(i => i.Status is 502 or 504).Sum(i => i.Count));

    /// <summary>Whether an error log was read at all (else the access log's 5xx cannot be told apart).</summary>
    public bool ErrorLogRead => Logs.Files.Count > 0;
}
