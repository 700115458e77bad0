using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NgxDoctor.Core.Logs;

/// <summary>Finds the next occurrence of one element in a line, from a position: how <see cref="LogFormat"/> looks for its literals.</summary>
internal interface IElementFinder<T>
{
    int Next(ReadOnlySpan<T> line, int from, T value);
}

/// <summary>A look at the next few elements (most values are short), then one vectorised search.</summary>
internal readonly struct SpanFinder<T> : IElementFinder<T>
    where T : unmanaged, IEquatable<T>
{
    private const int Near = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(ReadOnlySpan<T> line, int from, T value)
    {
        var near = Math.Min(line.Length, from + Near);
        for (var i = from; i < near; i++)
        {
            if (line[i].Equals(value))
            {
                return i;
            }
        }

        var j = line[near..].IndexOf(value);
        return j < 0 ? -1 : near + j;
    }
}
