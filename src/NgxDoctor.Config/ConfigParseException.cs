namespace NgxDoctor.Config;

/// <summary>A configuration that cannot be read at all: the position and the exact reason.</summary>
public sealed class ConfigParseException : Exception
{
    public ConfigParseException(SourcePos pos, string reason)
        : base($"{pos.ToLongString()}: {reason}")
    {
        Pos = pos;
        Reason = reason;
    }

    public SourcePos Pos { get; }

    public string Reason { get; }
}
