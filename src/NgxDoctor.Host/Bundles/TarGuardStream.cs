using System.Globalization;
using System.Text;

namespace NgxDoctor.Host.Bundles;

/// <summary>
/// A tar stream checked header by header before its reader sees a whole header: the size of every entry (octal,
/// base-256 or a PAX `size` record), the size of metadata entries (PAX headers, GNU long names), the number of
/// entries and the bytes in all are bounded, so a hostile bundle cannot make the reader allocate what a header claims.
/// </summary>
internal sealed class TarGuardStream(Stream inner, long entryLimit, long totalLimit) : Stream
{
    public const int MaxEntries = 10_000;
    public const int MetadataLimit = 64 * 1024;
    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private readonly MemoryStream _pax = new();
    private int _headerFill;
    private long _remaining;
    private long _padding;
    private long _total;
    private int _entries;
    private long? _paxSize;
    private bool _inPax;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _total += n;
        if (_total > totalLimit + (MaxEntries + 2L) * Block * 2)
        {
            throw new InvalidDataException($"more than {totalLimit >> 20} MiB when uncompressed");
        }

        Inspect(buffer[..n]);
        return n;
    }

    private void Inspect(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_remaining > 0)
            {
                var take = (int)Math.Min(_remaining, data.Length);
                if (_inPax)
                {
                    _pax.Write(data[..take]);
                }

                _remaining -= take;
                data = data[take..];
                if (_remaining == 0 && _inPax)
                {
                    _paxSize = PaxSize(_pax.ToArray());
                    _inPax = false;
                }

                continue;
            }

            if (_padding > 0)
            {
                var skip = (int)Math.Min(_padding, data.Length);
                _padding -= skip;
                data = data[skip..];
                continue;
            }

            var fill = Math.Min(Block - _headerFill, data.Length);
            data[..fill].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += fill;
            data = data[fill..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                Header();
            }
        }
    }

    private void Header()
    {
        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            return; // the end-of-archive blocks
        }

        if (++_entries > MaxEntries)
        {
            throw new InvalidDataException($"more than {MaxEntries} entries");
        }

        var type = (char)_header[156];
        var size = _paxSize ?? Size(_header.AsSpan(124, 12));
        _paxSize = null;
        var metadata = type is 'x' or 'g' or 'L' or 'K';
        if (size < 0 || size > (metadata ? MetadataLimit : entryLimit))
        {
            throw new InvalidDataException($"entry {_entries} ('{(char.IsAsciiLetterOrDigit(type) ? type : '?')}') claims {size} bytes, over the {(metadata ? MetadataLimit : entryLimit)}-byte limit");
        }

        _remaining = size;
        _padding = (Block - (size % Block)) % Block;
        _inPax = type == 'x' && size > 0;
        _pax.SetLength(0);
    }

    /// <summary>A header's size field: octal digits, or base-256 when its first byte has the high bit set; -1 when neither.</summary>
    private static long Size(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0 || field[1..4].ContainsAnyExcept((byte)0))
            {
                return -1; // negative, or more than 64 bits
            }

            long value = 0;
            foreach (var b in field[4..])
            {
                value = (value << 8) | b;
            }

            return value;
        }

        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        try
        {
            return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return -1;
        }
    }

    /// <summary>The `size` record of a PAX header ("LEN size=VALUE\n"), which overrides the next entry's own.</summary>
    private static long? PaxSize(byte[] records)
    {
        foreach (var record in Encoding.UTF8.GetString(records).Split('\n'))
        {
            var space = record.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && record[(space + 1)..].StartsWith("size=", StringComparison.Ordinal))
            {
                return long.TryParse(record[(space + 6)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
            }
        }

        return null;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _pax.Dispose();
        }

        base.Dispose(disposing);
    }
}
