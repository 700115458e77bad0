using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>The `logs` command's document: what the logs of the window say, and what could not be read.</summary>
public sealed record LogsReport(LogFacts Logs, IReadOnlyList<NotCollected> Skipped);
