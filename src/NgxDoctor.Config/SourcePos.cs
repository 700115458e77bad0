namespace NgxDoctor.Config;

/// <summary>Where something was written: a file, a 1-based line and a 1-based column.</summary>
public sealed record SourcePos(string File, int Line, int Column = 1)
{
    /// <summary>"file:line"; a position of the whole file (line 0: it could not be opened) is the file's name alone.</summary>
    public override string ToString() => Line <= 0 ? File : $"{File}:{Line}";

    public string ToLongString() => Line <= 0 ? File : $"{File}:{Line}:{Column}";
}
