using System.IO.Compression;

namespace NgxDoctor.Host.Logs;

/// <summary>How the buffer is filled: up to the limit, NUL padding and sparse holes skipped, a gzip bomb or a shrinking file told.</summary>
public sealed partial class LogLineReader
{
    /// <summary>Skips the NULs at the start of <paramref name="span"/>; a buffer of nothing else jumps over the file's hole, if it is one.</summary>
    private void SkipNuls(ReadOnlySpan<byte> span)
    {
        var data = span.IndexOfAnyExcept((byte)0);
        var skip = data < 0 ? span.Length : data;
        Consume(skip);
        NulBytesSkipped += skip;
        if (data < 0 && _stream is FileStream file && LogFileBytes.NextData(file, _position) is { } next && next > _position)
        {
            // A sparse file (a 20 GB hole is read in no time): continue where data starts again, or at the end.
            NulBytesSkipped += Math.Min(next, _limit) - _position;
            _position = Math.Min(next, _limit);
            file.Seek(_position, SeekOrigin.Begin);
            _start = _end = 0;
        }
    }

    private bool Fill()
    {
        if (_position >= _limit)
        {
            CapReached = _stream is GZipStream;
            return false;
        }

        if (Compressed is { } compressed && _position > RatioCheckAfter && _position > MaxGzipRatio * Math.Max(1, compressed.Position))
        {
            Problem = $"{_path}: decompresses to more than {MaxGzipRatio} times its size ({_position >> 20} MiB from {compressed.Position >> 10} KiB read): a gzip bomb, not a log; stopped";
            return false;
        }

        var want = (int)Math.Min(_buffer.Length, _limit - _position);
        int n;
        try
        {
            n = _stream.Read(_buffer, 0, want);
        }
        catch (InvalidDataException e) when (Compressed is not null)
        {
            throw new InvalidDataException($"{_path}: corrupt gzip data after {_position} decompressed bytes; the rest of the file is not read", e);
        }

        Interlocked.Add(ref s_bytesRead, n);
        _start = 0;
        _end = n;
        if (n == 0 && _stream is FileStream && _position < _limit)
        {
            Problem = $"the file shrank while it was read (truncated or rotated with copytruncate at byte {_position} of {_limit}): entries may be missing";
        }

        if (n == 0 && GzipSize is { } size && size != (uint)_position && !LogFileBytes.HasSecondMember(Compressed!))
        {
            // .NET ends a truncated gzip stream quietly; the trailer's ISIZE (size mod 2^32) tells.
            Problem = $"{_path}: gzip data ends early or is corrupt: {_position} bytes decompressed, the trailer says {size}";
        }

        return n > 0;
    }
}
