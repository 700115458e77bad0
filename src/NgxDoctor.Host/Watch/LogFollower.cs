using System.Globalization;
using System.Text;
using NgxDoctor.Config;

namespace NgxDoctor.Host.Watch;

/// <summary>
/// Follows one log file as `tail -F` would, and loses less: only whole lines are handed over; a rename rotation
/// (logrotate's default, nginx reopening on USR1) is noticed by the path naming another inode, the old file read to
/// its end before the new one is read from its start; a copytruncate is noticed by the file being shorter than what
/// was read, or (written past that length again before the poll) by the bytes before the position being others, and
/// what was written since the last poll is read from the copy (`PATH.1`) before the file is read again from its start. Lines written between logrotate's copy and its truncate are gone from both files: no follower sees them.
/// </summary>
public sealed class LogFollower : ILineSource
{
    /// <summary>A line longer than this is handed over cut (nginx's own error lines stop at 2 KB; access lines rarely pass it).</summary>
    public const int MaxLineBytes = 64 * 1024;

    private const int MaxBytesPerPoll = 16 * 1024 * 1024;
    private readonly string _path;
    private readonly List<byte> _partial = [];
    private const int TailBytes = 64;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _tail = [];
    private FileStream? _stream;
    private ulong _inode;
    private bool _fromEnd;

    private readonly Func<string, string?>? _distrust;
    private readonly RegularFile.Opener? _opener;

    /// <param name="fromEnd">Start at the file's end (what is written from now on), not its start.</param>
    /// <param name="distrust">Why the file at the path may not be read now (a link another user planted); asked at every (re)open.</param>
    /// <param name="opener">Who opens the file: null for ngxdoctor itself; the user an nginx runs as, for another user's nginx.</param>
    public LogFollower(string path, bool fromEnd = true, Func<string, string?>? distrust = null, RegularFile.Opener? opener = null)
    {
        _path = path;
        _fromEnd = fromEnd;
        _distrust = distrust;
        _opener = opener;
        Open(); // "the end" is where the file ends now, not at the first poll
    }

    public string Path => _path;

    /// <summary>Why the file cannot be followed now (missing, unreadable); null while it is.</summary>
    public string? Problem { get; private set; }

    /// <summary>The whole lines written since the last poll, at most 16 MiB of them (the rest waits for the next poll).</summary>
    public IReadOnlyList<string> Poll()
    {
        var lines = new List<string>();
        if (_stream is null && !Open())
        {
            return lines;
        }

        var now = UnixFileStatus.Of(_path);
        if (now.Exists && now.Inode != _inode)
        {
            // Renamed away: what the old file got before the rename is still its, then the new one from its start.
            Drain(lines);
            Flush(lines);
            Close();
            _fromEnd = false;
            if (!Open())
            {
                // Swapped for something that may not be read (a link, a directory, a FIFO): a problem, and the watch goes on.
                return lines;
            }
        }
        else if (now.Exists && (now.Size < _stream!.Position || Rewritten()))
        {
            FromCopy(lines, _stream.Position);
            _partial.Clear();
            _tail = [];
            _stream.Position = 0;
        }

        Drain(lines);
        return lines;
    }

    private bool Open()
    {
        if (_distrust?.Invoke(_path) is { } why)
        {
            Problem = why;
            _fromEnd = false;
            return false;
        }

        try
        {
            _stream = RegularFile.Open(_path, opener: _opener);
            _inode = UnixFileStatus.Of("/proc/self/fd/" + _stream.SafeFileHandle.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture)).Inode;
            if (_fromEnd)
            {
                _stream.Seek(0, SeekOrigin.End);
                _fromEnd = false;
            }

            Problem = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problem = e is FileNotFoundException or DirectoryNotFoundException ? $"{_path} does not exist (yet)" : e.Message.StartsWith(_path, StringComparison.Ordinal) ? e.Message : $"{_path}: {e.Message}";
            _fromEnd = false; // a file that appears later is new: all of it is read
            return false;
        }
    }

    private void Drain(List<string> lines)
    {
        var total = 0;
        int n;
        while (total < MaxBytesPerPoll && (n = _stream!.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            total += n;
            Split(_buffer.AsSpan(0, n), lines);
            Remember(_buffer.AsSpan(0, n));
        }
    }

    /// <summary>The last bytes read, to tell a file truncated and written past the old length again from one that only grew.</summary>
    private void Remember(ReadOnlySpan<byte> read)
    {
        var keep = Math.Min(TailBytes, read.Length);
        var old = _tail.Length + keep > TailBytes ? _tail[(_tail.Length + keep - TailBytes)..] : _tail;
        _tail = [.. old, .. read[^keep..]];
    }

    /// <summary>Whether the bytes just before the position are no longer those read there: truncated, then written past it.</summary>
    private bool Rewritten()
    {
        if (_tail.Length == 0)
        {
            return false;
        }

        var position = _stream!.Position;
        var now = new byte[_tail.Length];
        _stream.Position = position - _tail.Length;
        var read = _stream.Read(now, 0, now.Length);
        _stream.Position = position;
        return read != now.Length || !now.AsSpan().SequenceEqual(_tail);
    }

    /// <summary>The copy logrotate made before truncating: what it holds past the position already read.</summary>
    private void FromCopy(List<string> lines, long position)
    {
        var copy = _path + ".1";
        if (_distrust?.Invoke(copy) is not null)
        {
            return;
        }

        try
        {
            using var old = RegularFile.Open(copy, opener: _opener);
            if (old.Length < position)
            {
                return;
            }

            old.Position = position;
            int n;
            while ((n = old.Read(_buffer, 0, _buffer.Length)) > 0)
            {
                Split(_buffer.AsSpan(0, n), lines);
            }

            Flush(lines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No copy to read: what was written between the last poll and the truncate is lost, as for tail -F.
        }
    }

    /// <summary>A rotated file is complete: its last line counts even without a newline.</summary>
    private void Flush(List<string> lines)
    {
        if (_partial.Count > 0)
        {
            lines.Add(Encoding.UTF8.GetString(_partial.ToArray()));
            _partial.Clear();
        }
    }

    private void Split(ReadOnlySpan<byte> data, List<string> lines)
    {
        while (data.Length > 0)
        {
            var nl = data.IndexOf((byte)'\n');
            if (nl < 0)
            {
                var room = MaxLineBytes - _partial.Count;
                _partial.AddRange(data[..Math.Min(room, data.Length)].ToArray());
                return;
            }

            var piece = data[..Math.Min(nl, Math.Max(0, MaxLineBytes - _partial.Count))];
            _partial.AddRange(piece.ToArray());
            lines.Add(Encoding.UTF8.GetString(_partial.ToArray()));
            _partial.Clear();
            data = data[(nl + 1)..];
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
        _partial.Clear();
        _tail = [];
    }

    public void Dispose() => Close();
}
