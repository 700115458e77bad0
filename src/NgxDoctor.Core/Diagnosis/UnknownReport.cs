namespace NgxDoctor.Core.Diagnosis;

/// <summary>The one JSON document of a run that could not diagnose (exit 3): the status and why.</summary>
public sealed record UnknownReport
{
    public int FormatVersion { get; init; } = DiagnosisReport.CurrentFormat;

    public Status Status => Status.Unknown;

    public string Reason { get; init; } = "";
}
