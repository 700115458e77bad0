using System.Text;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// Response headers whose body length is ambiguous: Content-Length with Transfer-Encoding, a Transfer-Encoding or
/// Content-Length given twice. nginx 1.23 and later answer such a response with 502; older ones pass it on (the
/// ambiguity request smuggling feeds on).
/// </summary>
public static class ResponseFraming
{
    /// <summary>What is ambiguous in a raw HTTP response header ("Content-Length and Transfer-Encoding"); null when nothing is.</summary>
    public static string? Problem(ReadOnlySpan<byte> header)
    {
        var lengths = new List<string>();
        var encodings = 0;
        foreach (var raw in Encoding.Latin1.GetString(header).Split("\r\n").Skip(1))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = raw[..colon].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                lengths.Add(raw[(colon + 1)..].Trim());
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                encodings++;
            }
        }

        return lengths.Count > 0 && encodings > 0 ? "Content-Length and Transfer-Encoding in one response"
            : encodings > 1 ? "Transfer-Encoding twice"
            : lengths.Count > 1 ? $"Content-Length twice ({string.Join(", ", lengths)})"
            : null;
    }
}
