namespace NgxDoctor.Core.Logs;

/// <summary>
/// An error-log line parsed in place: spans into the line, nothing copied until <see cref="ToEntry"/>. The scanner
/// classifies and counts on this; only lines kept as samples become strings.
/// </summary>
public readonly ref struct ErrorLogLine
{
    public ErrorLogLine(DateTime time, ReadOnlySpan<char> level, int pid, long? connectionId, ReadOnlySpan<char> message, int? errno, string? action, ReadOnlySpan<char> tail, bool truncated)
    {
        Time = time;
        Level = level;
        Pid = pid;
        ConnectionId = connectionId;
        Message = message;
        Errno = errno;
        Action = action;
        Tail = tail;
        Truncated = truncated;
    }

    public DateTime Time { get; }

    public ReadOnlySpan<char> Level { get; }

    public int Pid { get; }

    public long? ConnectionId { get; }

    /// <summary>The message without the errno's text, the action and the tail fields.</summary>
    public ReadOnlySpan<char> Message { get; }

    public int? Errno { get; }

    public string? Action { get; }

    /// <summary>", client: ..., server: ..." to the end of the line, or empty.</summary>
    public ReadOnlySpan<char> Tail { get; }

    public bool Truncated { get; }

    public ReadOnlySpan<char> Client => Field(", client: ", false);

    public ReadOnlySpan<char> Request => Field(", request: \"", true);

    public ReadOnlySpan<char> Upstream => Field(", upstream: \"", true);

    public bool HasUpstream => Tail.IndexOf(", upstream: \"") >= 0;

    public ErrorLogEntry ToEntry() => new(Time, LevelName(Level), Pid, ConnectionId, Message.ToString(), Errno, Action,
        Text(", client: ", false), Text(", server: ", false), Text(", request: \"", true), Text(", upstream: \"", true), Text(", host: \"", true),
        Truncated || (Tail.Length > 0 && Tail.Count('"') % 2 != 0));

    /// <summary>A tail field's value; empty when absent (<see cref="Text"/> tells absent from empty).</summary>
    public ReadOnlySpan<char> Field(string key, bool quoted) => TryField(key, quoted, out var value) ? value : [];

    private string? Text(string key, bool quoted) => TryField(key, quoted, out var value) ? value.ToString() : null;

    public bool TryField(string key, bool quoted, out ReadOnlySpan<char> value)
    {
        var at = Tail.IndexOf(key);
        if (at < 0)
        {
            value = [];
            return false;
        }

        value = Tail[(at + key.Length)..];
        if (!quoted)
        {
            var comma = value.IndexOf(", ");
            value = comma >= 0 ? value[..comma] : value;
            return true;
        }

        // A quoted value ends at `"` followed by ", " or the end of the line.
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"' && (i == value.Length - 1 || value[(i + 1)..].StartsWith(", ")))
            {
                value = value[..i];
                return true;
            }
        }

        return true;
    }

    private static string LevelName(ReadOnlySpan<char> level) => level switch
    {
        "error" => "error",
        "warn" => "warn",
        "notice" => "notice",
        "info" => "info",
        "crit" => "crit",
        "alert" => "alert",
        "emerg" => "emerg",
        "debug" => "debug",
        _ => level.ToString(),
    };
}
