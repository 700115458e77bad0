using System.Globalization;

namespace NgxDoctor.Core.Logs;

/// <summary>The parts of an access line's fields the aggregator reads, as spans (no string is made on the hot path).</summary>
internal static class AccessSpans
{
    /// <summary>The last of several values ("502, 200", "502 : 200") of a field, as a span; empty for "-".</summary>
    public static ReadOnlySpan<char> Last(ReadOnlySpan<char> line, Range? range) => range is { } r ? Last(line[r]) : default;

    /// <summary>The last of a field's values, given the field.</summary>
    public static ReadOnlySpan<char> Last(ReadOnlySpan<char> v)
    {
        if (v.Contains(' '))
        {
            // A list ("502, 200", "10.0.0.1:80 : 10.0.0.2:80"): the last value is the one that answered.
            var comma = v.LastIndexOf(", ");
            var colon = v.LastIndexOf(" : ");
            var i = Math.Max(comma < 0 ? -1 : comma + 2, colon < 0 ? -1 : colon + 3);
            v = (i < 0 ? v : v[i..]).Trim();
        }

        return v.Length == 1 && v[0] == '-' ? default : v;
    }

    /// <summary>"0.123" the quick way (every line has one); anything else through double.TryParse.</summary>
    public static double? Seconds(ReadOnlySpan<char> s)
    {
        long whole = 0, frac = 0, scale = 1;
        var dot = false;
        foreach (var c in s)
        {
            if (c == '.' && !dot)
            {
                dot = true;
            }
            else if ((uint)(c - '0') <= 9 && scale < 1_000_000_000)
            {
                if (dot)
                {
                    frac = (frac * 10) + (c - '0');
                    scale *= 10;
                }
                else
                {
                    whole = (whole * 10) + (c - '0');
                }
            }
            else
            {
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            }
        }

        return whole + ((double)frac / scale);
    }

    public static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> request)
    {
        var sp = request.IndexOf(' ');
        if (sp < 0)
        {
            return default;
        }

        var uri = request[(sp + 1)..];
        var end = uri.IndexOf(' ');
        uri = end < 0 ? uri : uri[..end];
        var q = uri.IndexOf('?');
        return q < 0 ? uri : uri[..q];
    }
}
