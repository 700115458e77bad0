using System.Globalization;

namespace NgxDoctor.Core.Logs;

/// <summary>The fields of an access-log line that diagnosis uses; null where the format does not log them or logged "-".</summary>
public sealed record AccessRecord(
    DateTime? Time,
    int Status,
    string? Request,
    string? UpstreamStatus,
    string? UpstreamAddr,
    string? UpstreamResponseTime,
    string? UpstreamHeaderTime,
    double? RequestTime)
{
    /// <summary>$remote_addr, to match the error log's "client:".</summary>
    public string? Client { get; init; }

    /// <summary>The path of "GET /a/b?x=1 HTTP/1.1", without the query.</summary>
    public string? Path
    {
        get
        {
            if (Request is null)
            {
                return null;
            }

            var sp = Request.IndexOf(' ', StringComparison.Ordinal);
            if (sp < 0)
            {
                return null;
            }

            var end = Request.IndexOf(' ', sp + 1);
            var uri = end < 0 ? Request[(sp + 1)..] : Request[(sp + 1)..end];
            var q = uri.IndexOf('?', StringComparison.Ordinal);
            return q < 0 ? uri : uri[..q];
        }
    }

    /// <summary>The last of several values ("502, 200" or "502 : 200"): the attempt whose answer the client got.</summary>
    public static string? Last(string? multi)
    {
        if (multi is null)
        {
            return null;
        }

        // Separators are ", " between tries and " : " between internal redirects; addresses hold bare colons.
        var comma = multi.LastIndexOf(", ", StringComparison.Ordinal);
        var colon = multi.LastIndexOf(" : ", StringComparison.Ordinal);
        var i = Math.Max(comma < 0 ? -1 : comma + 2, colon < 0 ? -1 : colon + 3);
        var v = (i < 0 ? multi : multi[i..]).Trim();
        return v.Length == 0 || v == "-" ? null : v;
    }

    /// <summary>$time_local "28/Nov/2026:03:00:00 +0000" or $time_iso8601 "2026-11-28T03:00:00+00:00", as this host's local time (its offset applied).</summary>
    public static DateTime? ParseTime(string text)
    {
        if (LogTime.TryTimeLocal(text, out var local))
        {
            return text.Length >= 26 && text[20] == ' ' ? LogTime.WithOffset(local, text.AsSpan(21, 5)) : local;
        }

        return text.Length >= 19 && text[4] == '-' && DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso)
            ? text.Length >= 25 ? LogTime.WithOffset(iso, text.AsSpan(19, 6)) : text.Length > 19 && text[19] == 'Z' ? LogTime.WithOffset(iso, "+0000") : iso
            : null;
    }

    public static double? Seconds(string? value) =>
        Last(value) is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
