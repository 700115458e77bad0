using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using NgxDoctor.Config;

namespace NgxDoctor.Host.Logs;

/// <summary>A physical log line: its 1-based number (0 when unknown), byte offset, text and whether it was cut at the cap.</summary>
public readonly record struct LogLine(long Number, long Offset, string Text, bool Oversize);

/// <summary>
/// Streams lines from a log file without loading it: regular files only (a FIFO or device is refused, never
/// opened), read up to the size seen at open (a growing file does not keep the scan going), `\n`, `\r\n` and a
/// lone `\r` all end a line, lines longer than the cap are cut and flagged, invalid UTF-8 becomes U+FFFD,
/// `.gz` is decompressed up to a cap (and stopped early when it expands like a bomb). NUL bytes where a line would
/// start (the padding a crash or a copytruncate race leaves) are skipped, holes of a sparse file without reading them.
/// </summary>
public sealed partial class LogLineReader : IDisposable
{
    public const int MaxLineBytes = 64 * 1024;
    public const long MaxDecompressedBytes = 1L << 30;

    /// <summary>Past 16 MiB, a gzip log that decompresses to more than 250 times what was read of it is a bomb: real logs stay well under 100:1.</summary>
    public const int MaxGzipRatio = 250;
    private const long RatioCheckAfter = 16L << 20;

    private readonly Stream _stream;
    private readonly long _limit;
    private readonly byte[] _buffer = new byte[128 * 1024];
    private readonly byte[] _line = new byte[MaxLineBytes];
    private readonly char[] _chars = new char[MaxLineBytes];
    private int _start;
    private int _end;
    private long _position;
    private long _number;
    private bool _skipLf;

    private readonly string _path;

    private LogLineReader(string path, Stream stream, long position, long limit, long firstLine)
    {
        _path = path;
        _stream = stream;
        _position = position;
        _limit = limit;
        _number = firstLine - 1;
    }

    private static long s_bytesRead;

    /// <summary>Bytes read by every reader of this process so far, for a progress display.</summary>
    public static long BytesRead => Interlocked.Read(ref s_bytesRead);

    public bool CapReached { get; private set; }

    /// <summary>Set when a gzip file ends early: its trailer's size does not match what was decompressed.</summary>
    public string? Problem { get; private set; }

    private uint? GzipSize { get; init; }

    /// <summary>The compressed file under a gzip stream, whose position measures the expansion.</summary>
    private FileStream? Compressed { get; init; }

    /// <summary>NUL bytes skipped where lines would start (padding, holes).</summary>
    public long NulBytesSkipped { get; private set; }

    /// <summary>Like <see cref="TryRead"/>, without allocating: the text is valid until the next call.</summary>
    public bool TryReadSpan(out ReadOnlySpan<char> text, out long number, out bool oversize)
    {
        if (!TryReadUtf8(out var bytes, out number, out oversize))
        {
            text = default;
            return false;
        }

        text = Decode(bytes);
        return true;
    }

    /// <summary>A line's bytes as text (invalid UTF-8 as U+FFFD), in this reader's buffer: valid until the next call.</summary>
    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> line) => _chars.AsSpan(0, Encoding.UTF8.GetChars(line, _chars));

    /// <summary>The next line's bytes (UTF-8 as written, not checked), valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadUtf8(out ReadOnlySpan<byte> line, out long number, out bool oversize)
    {
        // The common case, a whole line inside the buffer, is returned in place without a copy.
        if (!_skipLf && _start < _end && _buffer[_start] != 0)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var eol = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol >= 0 && eol <= MaxLineBytes)
            {
                _skipLf = span[eol] == (byte)'\r';
                Consume(eol + 1);
                _number++;
                line = span[..eol];
                number = _number;
                oversize = false;
                return true;
            }
        }

        if (!TryReadBytes(out var length, out oversize, out _))
        {
            line = default;
            number = 0;
            return false;
        }

        line = _line.AsSpan(0, length);
        number = _number;
        return true;
    }

    public bool TryRead(out LogLine line)
    {
        if (!TryReadBytes(out var length, out var oversize, out var lineOffset))
        {
            line = default;
            return false;
        }

        line = new LogLine(_number, lineOffset, Encoding.UTF8.GetString(_line, 0, length), oversize);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadBytes(out int length, out bool oversize, out long lineOffset)
    {
        length = 0;
        oversize = false;
        lineOffset = _position;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                if (length == 0 && !oversize)
                {
                    return false;
                }

                break;
            }

            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_start] == (byte)'\n')
                {
                    Consume(1);
                    lineOffset = _position;
                    continue;
                }
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            if (length == 0 && !oversize && span[0] == 0)
            {
                SkipNuls(span);
                lineOffset = _position;
                continue;
            }

            var eol = span.IndexOfAny((byte)'\n', (byte)'\r');
            var take = eol < 0 ? span.Length : eol;
            var room = Math.Min(take, MaxLineBytes - length);
            span[..room].CopyTo(_line.AsSpan(length));
            length += room;
            oversize |= room < take;
            if (eol < 0)
            {
                Consume(span.Length);
                continue;
            }

            _skipLf = span[eol] == (byte)'\r';
            Consume(eol + 1);
            break;
        }

        _number++;
        return true;
    }

    public void Dispose() => _stream.Dispose();

    private void Consume(int n)
    {
        _start += n;
        _position += n;
    }
}
