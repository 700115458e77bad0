namespace NgxDoctor.Config;

public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>Something the loader noticed that does not stop it: a missing include, a cycle, unanalysed code.</summary>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string Code, SourcePos Pos, string Message)
{
    /// <summary>A file included while it is already being read: nginx itself recurses on it until it crashes.</summary>
    public const string IncludeCycle = "include-cycle";
}
