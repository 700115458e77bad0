namespace NgxDoctor.Config;

/// <summary>One argument as nginx sees it (Value, escapes resolved) and as it was written (Raw).</summary>
public sealed record ConfigArg(string Value, string Raw);

/// <summary>A directive with its arguments, its block (null when it has none) and where it was written.</summary>
public sealed record Directive(string Name, IReadOnlyList<ConfigArg> Args, IReadOnlyList<Directive>? Block, SourcePos Pos)
{
    public string Arg(int index) => index < Args.Count ? Args[index].Value : "";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasBlock => Block is not null;

    /// <summary>The line of the ";" or "{" that ended the directive, where nginx reports what is wrong with it; 0 if unknown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int EndLine { get; init; }

    /// <summary>Where nginx would report this directive: the line of its ";" or "{".</summary>
    public SourcePos ReportPos => EndLine > 0 && EndLine != Pos.Line ? Pos with { Line = EndLine, Column = 1 } : Pos;

    /// <summary>The raw code of an embedded block (Lua), which is not analysed; null for ordinary directives.</summary>
    public string? EmbeddedCode { get; init; }

    /// <summary>The directive as one line of text, for evidence: <c>proxy_pass http://a;</c>.</summary>
    public string ToEvidenceText()
    {
        var text = Args.Count == 0 ? Name : Name + " " + string.Join(' ', Args.Select(a => a.Raw));
        return HasBlock ? text + " { ... }" : text + ";";
    }
}
