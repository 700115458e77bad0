using System.Buffers;
using System.Text;

namespace NgxDoctor.Host.Proc;

/// <summary>
/// Reads a small /proc file (status, stat, cmdline) into one string through a pooled buffer: a process table of
/// thousands reads three per process, and File.ReadAllText's stream and reader cost more than the kernel's text.
/// </summary>
public static class ProcFile
{
    /// <summary>Past this a /proc text is cut (a command line is at most the argument space, a few MB).</summary>
    public const int MaxBytes = 4 << 20;

    public static string ReadText(string path)
    {
        using var handle = File.OpenHandle(path);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var total = 0;
            while (true)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (n == 0)
                {
                    return Encoding.UTF8.GetString(buffer, 0, total);
                }

                total += n;
                if (total == buffer.Length)
                {
                    if (total >= MaxBytes)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, total);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(total * 2);
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
