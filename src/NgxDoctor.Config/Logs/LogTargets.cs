namespace NgxDoctor.Config.Logs;

/// <summary>An `error_log` directive: where nginx writes errors, from which level, in which context.</summary>
public sealed record ErrorLogTarget(string Path, string Level, string Context, SourcePos? Pos)
{
    /// <summary>stderr, syslog:, memory: targets cannot be read back from a file.</summary>
    public bool IsFile => !(Path == "stderr" || Path.StartsWith("syslog:", StringComparison.Ordinal) || Path.StartsWith("memory:", StringComparison.Ordinal) || Path == "/dev/null");
}

/// <summary>An `access_log` directive with the `log_format` it uses (the format string, escape mode) and its parameters.</summary>
public sealed record AccessLogTarget(string Path, string FormatName, string Format, string Escape, IReadOnlyList<string> Parameters, string Context, SourcePos Pos)
{
    public bool IsFile => !(Path.StartsWith("syslog:", StringComparison.Ordinal) || Path == "/dev/null" || Path.Contains('$', StringComparison.Ordinal));

    public bool IsGzip => Parameters.Any(p => p == "gzip" || p.StartsWith("gzip=", StringComparison.Ordinal));
}

public sealed record LogTargets(IReadOnlyList<ErrorLogTarget> ErrorLogs, IReadOnlyList<AccessLogTarget> AccessLogs, IReadOnlyList<string> AccessLogsOff);
