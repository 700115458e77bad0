using System.Runtime.CompilerServices;

namespace NgxDoctor.Core.Logs;

/// <summary>Where the fields diagnosis uses sit in one access-log line (ranges into the line; null when not logged).</summary>
public readonly record struct AccessFields(
    DateTime? Time,
    int Status,
    Range? Request,
    Range? UpstreamStatus,
    Range? UpstreamAddr,
    Range? UpstreamResponseTime,
    Range? UpstreamHeaderTime,
    Range? RequestTime,
    Range? Client)
{
    /// <summary>$host, $http_host or $server_name when the format logs one.</summary>
    public Range? Host { get; init; }

    /// <summary>Whether the format logs $upstream_status at all ("-" in a line is then "no upstream answered").</summary>
    public bool UpstreamStatusLogged { get; init; }

    /// <summary>Whether the format logs $upstream_addr at all.</summary>
    public bool UpstreamAddrLogged { get; init; }
}

/// <summary>Turns lines of one `log_format` into fields without copying them; <see cref="Parse"/> also builds a record.</summary>
public sealed class AccessLineParser(LogFormat format)
{
    private readonly int _time = First(format, "time_local", "time_iso8601");
    private readonly bool _iso = format.IndexOf("time_local") < 0;
    private readonly int _status = format.IndexOf("status");
    private readonly int _request = format.IndexOf("request");
    private readonly int _upstreamStatus = format.IndexOf("upstream_status");
    private readonly int _upstreamAddr = format.IndexOf("upstream_addr");
    private readonly int _upstreamResponse = format.IndexOf("upstream_response_time");
    private readonly int _upstreamHeader = format.IndexOf("upstream_header_time");
    private readonly int _requestTime = format.IndexOf("request_time");
    private readonly int _client = format.IndexOf("remote_addr");
    private readonly int _host = First(format, "host", "http_host", "server_name");
    private string _lastTimeText = "";
    private DateTime? _lastTime;

    public LogFormat Format { get; } = format;

    /// <summary>Whether the format logs anything diagnosis can use.</summary>
    public bool HasStatus => _status >= 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryParse(ReadOnlySpan<char> line, out AccessFields fields)
    {
        fields = default;
        Span<Range> values = stackalloc Range[Format.Variables.Count];
        if (!Format.TryMatch(line, values) || _status < 0 || !TryStatus(line[values[_status]], out var status))
        {
            return false;
        }

        fields = new AccessFields(
            _time >= 0 ? Time(line[values[_time]]) : null,
            status,
            At(line, values, _request),
            At(line, values, _upstreamStatus),
            At(line, values, _upstreamAddr),
            At(line, values, _upstreamResponse),
            At(line, values, _upstreamHeader),
            At(line, values, _requestTime),
            At(line, values, _client))
        {
            Host = At(line, values, _host),
            UpstreamStatusLogged = _upstreamStatus >= 0,
            UpstreamAddrLogged = _upstreamAddr >= 0,
        };
        return true;
    }

    public AccessRecord? Parse(string line)
    {
        if (!TryParse(line, out var f))
        {
            return null;
        }

        return new AccessRecord(f.Time, f.Status, Text(line, f.Request), Text(line, f.UpstreamStatus), Text(line, f.UpstreamAddr),
            Text(line, f.UpstreamResponseTime), Text(line, f.UpstreamHeaderTime), AccessRecord.Seconds(Text(line, f.RequestTime)))
        {
            Client = Text(line, f.Client),
        };
    }

    private static bool TryStatus(ReadOnlySpan<char> s, out int status)
    {
        status = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) || status > 99_999)
            {
                return false;
            }

            status = (status * 10) + (c - '0');
        }

        return s.Length > 0;
    }

    public static string? Text(ReadOnlySpan<char> line, Range? range) => range is { } r ? line[r].ToString() : null;

    /// <summary>Consecutive lines mostly share their second: the last parse is reused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DateTime? Time(ReadOnlySpan<char> text)
    {
        var stamp = text[..Math.Min(text.Length, 26)];
        if (!stamp.SequenceEqual(_lastTimeText))
        {
            _lastTimeText = stamp.ToString();
            _lastTime = _iso ? AccessRecord.ParseTime(text.ToString())
                : LogTime.TryTimeLocal(text, out var t) ? (text.Length >= 26 && text[20] == ' ' ? LogTime.WithOffset(t, text.Slice(21, 5)) : t) : null;
        }

        return _lastTime;
    }

    private static Range? At(ReadOnlySpan<char> line, Span<Range> values, int index)
    {
        if (index < 0)
        {
            return null;
        }

        var v = line[values[index]];
        return v.Length == 0 || (v.Length == 1 && v[0] == '-') ? null : values[index];
    }

    private static int First(LogFormat f, params string[] names) => names.Select(f.IndexOf).FirstOrDefault(i => i >= 0, -1);
}
