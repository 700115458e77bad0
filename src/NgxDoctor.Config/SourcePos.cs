namespace NgxDoctor.Config;

/// <summary>Where something was written: a file, a 1-based line and a 1-based column.</summary>
public sealed record SourcePos(string File, int Line, int Column = 1)
{
    public override string ToString() => $"{File}:{Line}";

    public string ToLongString() => $"{File}:{Line}:{Column}";
}
