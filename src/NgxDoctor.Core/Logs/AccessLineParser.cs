namespace NgxDoctor.Core.Logs;

/// <summary>Turns lines of one `log_format` into <see cref="AccessRecord"/>s.</summary>
public sealed class AccessLineParser(LogFormat format)
{
    private readonly int _time = First(format, "time_local", "time_iso8601");
    private readonly int _status = format.IndexOf("status");
    private readonly int _request = format.IndexOf("request");
    private readonly int _upstreamStatus = format.IndexOf("upstream_status");
    private readonly int _upstreamAddr = format.IndexOf("upstream_addr");
    private readonly int _upstreamResponse = format.IndexOf("upstream_response_time");
    private readonly int _upstreamHeader = format.IndexOf("upstream_header_time");
    private readonly int _requestTime = format.IndexOf("request_time");
    private readonly int _client = format.IndexOf("remote_addr");

    public LogFormat Format { get; } = format;

    /// <summary>Whether the format logs anything diagnosis can use.</summary>
    public bool HasStatus => _status >= 0;

    public AccessRecord? Parse(string line)
    {
        Span<Range> values = stackalloc Range[Format.Variables.Count];
        if (!Format.TryMatch(line, values) || _status < 0 || !int.TryParse(line.AsSpan()[values[_status]], out var status))
        {
            return null;
        }

        return new AccessRecord(
            _time >= 0 ? AccessRecord.ParseTime(line[values[_time]]) : null,
            status,
            Value(line, values, _request),
            Value(line, values, _upstreamStatus),
            Value(line, values, _upstreamAddr),
            Value(line, values, _upstreamResponse),
            Value(line, values, _upstreamHeader),
            AccessRecord.Seconds(Value(line, values, _requestTime)))
        {
            Client = Value(line, values, _client),
        };
    }

    private static string? Value(string line, Span<Range> values, int index)
    {
        if (index < 0)
        {
            return null;
        }

        var v = line[values[index]];
        return v is "-" or "" ? null : v;
    }

    private static int First(LogFormat f, params string[] names) => names.Select(f.IndexOf).FirstOrDefault(i => i >= 0, -1);
}
