using NgxDoctor.Config;

namespace NgxDoctor.Core.Fixes;

/// <summary>One change to a configuration file: a directive's arguments replaced ("set") or a directive added to a block ("insert").</summary>
public sealed record PlannedEdit(string Kind, SourcePos At, string Directive, string Args, string Why)
{
    public const string Set = "set";
    public const string Insert = "insert";

    /// <summary>PHP-FPM ini files: "key = value" replaced on its line (At), or added after the pool's header (At).</summary>
    public const string IniSet = "ini-set";
    public const string IniInsert = "ini-insert";

    /// <summary>The edit as the file's own syntax writes it: nginx's `name args;`, PHP-FPM's `key = value`.</summary>
    public string Text => Kind switch
    {
        Set => $"{Directive} {Args}",
        IniSet or IniInsert => $"{Directive} = {Args}",
        _ => $"{Directive} {Args};",
    };
}

/// <summary>The request to replay through nginx once a fix is applied: it failed before, it must not fail after.</summary>
public sealed record VerifyRequest(string Host, int Port, string Path)
{
    /// <summary>The logged request's query ("?a=b"), replayed only with --replay-query; never printed, `fix --json` included.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Query { get; init; } = "";

    /// <summary>Where the request comes from, said when it is replayed ("the logged request, without its query").</summary>
    public string Origin { get; init; } = "";
}

/// <summary>What a fixer would do for one finding, or why it will not (then <see cref="Safe"/> is false and the manual remedy stands).</summary>
public sealed record FixAction(string Finding, Diagnosis.Cause Cause, string? Upstream, string Summary, IReadOnlyList<PlannedEdit> Edits, IReadOnlyList<string> Commands, VerifyRequest? Verify)
{
    public bool Safe => Edits.Count > 0 || Commands.Count > 0;

    /// <summary>Also reload nginx after the edits (always true for configuration edits).</summary>
    public bool ReloadNginx { get; init; }

    /// <summary>Files outside nginx's configuration this action edits (PHP-FPM pools), and the master to signal after.</summary>
    public int? ReloadPhpFpmPid { get; init; }

    /// <summary>A systemd unit to start (the service that should listen on the dead address).</summary>
    public string? StartUnit { get; init; }

    /// <summary>A live socket whose group and mode change now (a reload keeps the socket it has; the pool edit makes it last).</summary>
    public SocketChange? Socket { get; init; }

    public static FixAction None(Diagnosis.Finding f, string why) => new(Diagnosis.FindingRelations.Key(f), f.Cause, f.Upstream, why, [], [], null);
}

/// <summary>A unix socket's group and mode to set.</summary>
public sealed record SocketChange(string Path, uint Gid, int Mode);

public sealed record FixPlan(IReadOnlyList<FixAction> Actions)
{
    public IEnumerable<FixAction> Safe => Actions.Where(a => a.Safe);
}
