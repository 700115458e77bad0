namespace NgxDoctor.Core.Diagnosis;

/// <summary>`explain --json`: a cause code and its page (Markdown: what it is, how it is detected, how to fix it, how to confirm).</summary>
public sealed record CausePage(string Cause, string Page)
{
    public int FormatVersion { get; init; } = DiagnosisReport.CurrentFormat;
}
