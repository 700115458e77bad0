using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    private readonly int[] _bounds = new int[format.Variables.Count * 2];
    // The last time parsed, per kind of line: a caller may alternate bytes and characters.
    private string _lastTimeText = "";
    private DateTime? _lastTimeOfText;
    private byte[] _lastTimeBytes = [];
    private DateTime? _lastTimeOfBytes;

    public LogFormat Format { get; } = format;

    /// <summary>Whether the format logs anything diagnosis can use.</summary>
    public bool HasStatus => _status >= 0;

    public bool TryParse(ReadOnlySpan<char> line, out AccessFields fields) => TryFields(line, _status >= 0 && Format.TryMatch(line, _bounds), out fields);

    /// <summary>The same on a line's UTF-8 bytes: the ranges are byte offsets.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out AccessFields fields) => TryFields(line, _status >= 0 && Format.TryMatch(line, _bounds), out fields);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFields<T>(ReadOnlySpan<T> line, bool matched, out AccessFields fields)
        where T : unmanaged, IBinaryInteger<T>
    {
        fields = default;
        if (!matched || !TryStatus(Value(line, _status), out var status))
        {
            return false;
        }

        var time = _time < 0 ? null
            : typeof(T) == typeof(byte) ? Time(MemoryMarshal.Cast<T, byte>(Value(line, _time))) : Time(MemoryMarshal.Cast<T, char>(Value(line, _time)));
        fields = new(time, status, At(line, _request), At(line, _upstreamStatus), At(line, _upstreamAddr), At(line, _upstreamResponse),
            At(line, _upstreamHeader), At(line, _requestTime), At(line, _client))
        {
            Host = At(line, _host),
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

    private static bool TryStatus<T>(ReadOnlySpan<T> s, out int status)
        where T : unmanaged, IBinaryInteger<T>
    {
        status = 0;
        foreach (var c in s)
        {
            var digit = int.CreateTruncating(c) - '0';
            if ((uint)digit > 9 || status > 99_999)
            {
                return false;
            }

            status = (status * 10) + digit;
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
            _lastTimeOfText = ParseTime(text);
        }

        return _lastTimeOfText;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DateTime? Time(ReadOnlySpan<byte> text)
    {
        var stamp = text[..Math.Min(text.Length, 26)];
        if (!stamp.SequenceEqual(_lastTimeBytes))
        {
            _lastTimeBytes = stamp.ToArray();
            _lastTimeOfBytes = text.Length <= 256 ? ParseTime(Widen(text, stackalloc char[text.Length])) : ParseTime(System.Text.Encoding.UTF8.GetString(text));
        }

        return _lastTimeOfBytes;
    }

    private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> utf8, Span<char> chars) => chars[..System.Text.Encoding.UTF8.GetChars(utf8, chars)];

    private DateTime? ParseTime(ReadOnlySpan<char> text) =>
        _iso ? AccessRecord.ParseTime(text.ToString())
            : LogTime.TryTimeLocal(text, out var t) ? (text.Length >= 26 && text[20] == ' ' ? LogTime.WithOffset(t, text.Slice(21, 5)) : t) : null;

    private ReadOnlySpan<T> Value<T>(ReadOnlySpan<T> line, int index) => line[_bounds[2 * index].._bounds[(2 * index) + 1]];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Range? At<T>(ReadOnlySpan<T> line, int index)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (index < 0)
        {
            return null;
        }

        var start = _bounds[2 * index];
        var end = _bounds[(2 * index) + 1];
        return end == start || (end - start == 1 && line[start] == T.CreateTruncating('-')) ? null : start..end;
    }

    private static int First(LogFormat f, params string[] names) => names.Select(f.IndexOf).FirstOrDefault(i => i >= 0, -1);
}
