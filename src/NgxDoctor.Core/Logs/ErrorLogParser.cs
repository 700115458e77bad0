using System.Globalization;
using System.Runtime.CompilerServices;

namespace NgxDoctor.Core.Logs;

/// <summary>
/// Parses nginx error-log lines with spans, no regular expressions. nginx cuts lines at 2048 bytes
/// (NGX_MAX_ERROR_STR): a line cut short keeps what it has and says <c>Truncated</c>.
/// </summary>
public static class ErrorLogParser
{
    public const int NginxMaxLine = 2048;

    private static readonly string[] Actions =
    [
        "connecting to upstream", "SSL handshaking to upstream", "sending request to upstream",
        "reading response header from upstream", "reading upstream", "proxying upgraded connection",
        "sending to client", "reading client request body", "resolving", "reading client request line",
        "reading client request headers", "closing request", "SSL handshaking", "reading PROXY protocol",
        // stream{} (ngx_stream_proxy_module, ngx_stream_handler)
        "proxying and reading from upstream", "proxying and sending to upstream", "proxying and reading from client",
        "proxying and sending to client", "proxying connection", "initializing session", "prereading client data",
    ];

    /// <summary>Whether a line starts with nginx's timestamp (else it continues the previous entry).</summary>
    public static bool StartsEntry(ReadOnlySpan<char> line) => TryTime(line, out _);

    public static bool TryTime(ReadOnlySpan<char> line, out DateTime time) => LogTime.TryErrorLog(line, out time);

    public static ErrorLogEntry? Parse(string line) => TryParse(line, out var parsed) ? parsed.ToEntry() : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> s, out ErrorLogLine parsed)
    {
        parsed = default;
        if (!TryTime(s, out var time) || s.Length < 22 || s[19] != ' ' || s[20] != '[')
        {
            return false;
        }

        var close = s[21..].IndexOf(']');
        if (close < 0)
        {
            return false;
        }

        var level = s.Slice(21, close);
        var rest = s[(22 + close)..].TrimStart(' ');
        var hash = rest.IndexOf('#');
        var colon = rest.IndexOf(": ");
        var pid = hash > 0 && int.TryParse(rest[..hash], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        rest = colon >= 0 ? rest[(colon + 2)..] : rest;
        long? cid = null;
        if (rest.Length > 1 && rest[0] == '*')
        {
            var space = rest.IndexOf(' ');
            if (space > 1 && long.TryParse(rest[1..space], NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                cid = c;
                rest = rest[(space + 1)..];
            }
        }

        var truncated = s.Length >= NginxMaxLine - 1;
        var tailStart = FindTail(rest);
        var head = tailStart >= 0 ? rest[..tailStart] : rest;
        var tail = tailStart >= 0 ? rest[tailStart..] : ReadOnlySpan<char>.Empty;

        string? action = null;
        var whileAt = head.LastIndexOf(" while ");
        if (whileAt >= 0)
        {
            var candidate = head[(whileAt + 7)..];
            foreach (var a in Actions)
            {
                if (candidate.StartsWith(a))
                {
                    action = a;
                    head = head[..whileAt];
                    break;
                }
            }
        }

        int? errno = null;
        if (head.Length > 0 && head[^1] == ')')
        {
            var open = head.LastIndexOf(" (");
            var sep = open >= 0 ? head[(open + 2)..].IndexOf(": ") : -1;
            if (sep > 0 && int.TryParse(head.Slice(open + 2, sep), NumberStyles.None, CultureInfo.InvariantCulture, out var e))
            {
                errno = e;
            }
        }

        if (tailStart < 0 && truncated)
        {
            // Cut before the tail: the action may still be readable.
            foreach (var a in Actions)
            {
                if (head.Contains(" while " + a, StringComparison.Ordinal))
                {
                    action ??= a;
                }
            }
        }

        parsed = new ErrorLogLine(time, level, pid, cid, head, errno, action, tail, truncated);
        return true;
    }

    /// <summary>Where ", client: ADDRESS" (stream over UDP: ", udp client: ADDRESS") starts: the first such mark followed by an address-like token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindTail(ReadOnlySpan<char> rest)
    {
        // ", udp client: " never contains ", client: ": a line has one or the other, so the second search is for UDP lines only.
        var tcp = FindTail(rest, ", client: ");
        return tcp >= 0 ? tcp : FindTail(rest, ", udp client: ");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindTail(ReadOnlySpan<char> rest, string mark)
    {
        var from = 0;
        while (true)
        {
            var at = rest[from..].IndexOf(mark);
            if (at < 0)
            {
                return -1;
            }

            at += from;
            var value = rest[(at + mark.Length)..];
            var end = value.IndexOf(',');
            var token = end >= 0 ? value[..end] : value;
            if (token.Length > 0 && token.IndexOf(' ') < 0)
            {
                return at;
            }

            from = at + mark.Length;
        }
    }
}
