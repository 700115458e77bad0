namespace NgxDoctor.Host.Logs;

/// <summary>A byte range of a log file that starts a line; lines inside are numbered from <see cref="FirstLine"/> (1 for all but the first chunk).</summary>
public readonly record struct FileChunk(long Start, long End, long FirstLine);

/// <summary>
/// Cuts a large plain log into one piece per core at line starts (where <c>startsEntry</c> accepts the line, so a
/// multi-line entry is not split), to be read in parallel and merged in order.
/// </summary>
public static class ChunkedFile
{
    public const long ParallelAbove = 32L << 20;

    public static IReadOnlyList<FileChunk> Plan(string file, long offset, long firstLine, Func<ReadOnlySpan<byte>, bool>? startsEntry = null, long parallelAbove = ParallelAbove)
    {
        var size = new FileInfo(file).Length;
        var parts = Environment.ProcessorCount;
        if (LogLineReader.IsCompressed(file) || size - offset < parallelAbove || parts < 2)
        {
            return [new FileChunk(offset, long.MaxValue, firstLine)];
        }

        var cuts = new List<long> { offset };
        using var stream = Config.RegularFile.Open(file, bufferSize: 4096);
        var buf = new byte[256 * 1024];
        for (var i = 1; i < parts; i++)
        {
            var at = offset + ((size - offset) * i / parts);
            stream.Seek(at, SeekOrigin.Begin);
            var n = stream.Read(buf, 0, buf.Length);
            if (NextStart(buf.AsSpan(0, n), startsEntry) is var rel and >= 0 && at + rel > cuts[^1] && at + rel < size)
            {
                cuts.Add(at + rel);
            }
        }

        cuts.Add(size);
        return cuts.Zip(cuts.Skip(1), (s, e) => (s, e)).Select((c, i) => new FileChunk(c.s, c.e, i == 0 ? firstLine : 1)).ToList();
    }

    /// <summary>Reads the chunks in parallel, one state each (the first gets <paramref name="first"/>); the states come back in file order.</summary>
    public static T[] Read<T>(string file, IReadOnlyList<FileChunk> chunks, T first, Func<T> create, Action<T, LogLineReader> read)
    {
        var states = new T[chunks.Count];
        try
        {
            Parallel.For(0, chunks.Count, i =>
            {
                states[i] = i == 0 ? first : create();
                using var reader = LogLineReader.Open(file, chunks[i].Start, chunks[i].FirstLine, chunks[i].End);
                read(states[i], reader);
            });
        }
        catch (AggregateException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }

        return states;
    }

    private static int NextStart(ReadOnlySpan<byte> span, Func<ReadOnlySpan<byte>, bool>? startsEntry)
    {
        var pos = 0;
        while (true)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return -1;
            }

            pos += nl + 1;
            if (startsEntry is null || startsEntry(span[pos..]))
            {
                return pos;
            }
        }
    }
}
