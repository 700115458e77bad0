using System.Runtime.CompilerServices;

namespace NgxDoctor.Core.Logs;

/// <summary>The read's hot path: an ordinary line counted from its UTF-8 bytes, without decoding it.</summary>
public sealed partial class AccessAggregator
{
    /// <summary>Whether a line of this status is kept as text (5xx and 499 become incidents and failing paths).</summary>
    public static bool NeedsText(int status) => status is >= 500 and < 600 or 499;

    /// <summary>
    /// The hot path of a read, on a line's UTF-8 bytes, for a status that <see cref="NeedsText"/> refuses: counted by
    /// minute and upstream, as <see cref="Add"/> counts it. False, and nothing counted, when the line must go to Add
    /// as text (its upstream fields are not short ASCII).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAddCommon(ReadOnlySpan<byte> line, in AccessFields f)
    {
        if (NeedsText(f.Status))
        {
            return false;
        }

        if (!TryAscii(line, f.UpstreamAddr, _addrChars, out var addrField))
        {
            return false;
        }

        var addr = AccessSpans.Last(addrField);
        if (!addr.IsEmpty)
        {
            if (!TryAscii(line, f.UpstreamResponseTime, _timeChars, out var timeField))
            {
                return false;
            }

            CountUpstream(addr, f.Status, backend: false, AccessSpans.Last(timeField));
        }

        CountMinute(f.Time, f.Status, backend: false);
        return true;
    }

    private const int MaxAsciiField = 256;
    private readonly char[] _addrChars = new char[MaxAsciiField];
    private readonly char[] _timeChars = new char[MaxAsciiField];

    private static bool TryAscii(ReadOnlySpan<byte> line, Range? range, Span<char> chars, out ReadOnlySpan<char> text)
    {
        text = default;
        if (range is not { } r)
        {
            return true;
        }

        var bytes = line[r];
        if (bytes.Length > chars.Length || System.Text.Ascii.ToUtf16(bytes, chars, out var n) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        text = chars[..n];
        return true;
    }
}
