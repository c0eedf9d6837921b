using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lantern.NetLog.Reading;

/// <summary>
/// The prefilter: ASCII case-insensitive multi-needle search over a whole block. Bytes are widened to chars with
/// Latin-1 (one byte → one char, so offsets stay byte offsets) and searched with a vectorised
/// <see cref="SearchValues{T}"/> of strings. A needle that contains another needle is dropped: every line it would
/// match, the shorter one matches too, and fewer needles make the search cheaper.
/// </summary>
internal sealed class NeedleSearch
{
    private readonly SearchValues<string> _values;

    public NeedleSearch(IReadOnlyList<string> needles)
    {
        string[] distinct = [.. needles.Distinct(StringComparer.OrdinalIgnoreCase)];
        string[] minimal = [.. distinct.Where(n => !distinct.Any(o => o.Length < n.Length && n.Contains(o, StringComparison.OrdinalIgnoreCase)))];
        _values = SearchValues.Create(minimal, StringComparison.OrdinalIgnoreCase);
        MaxNeedleLength = minimal.Max(n => n.Length);
        WarmUp();
    }

    public int MaxNeedleLength { get; }

    /// <summary>
    /// The vectorised search is JIT-compiled at run time (its AVX2 code is not in the ReadyToRun image) and starts at
    /// tier 0, which is many times slower; tiering promotes a method after 30 calls. Thirty-odd calls on a small buffer
    /// now let the background compiler produce the fast code before the first big block arrives (measured: the
    /// prefilter ran at about half speed for the first seconds without this).
    /// </summary>
    private void WarmUp()
    {
        char[] sample = new char[4096];
        sample.AsSpan().Fill('a');
        for (int i = 0; i < 64; i++)
        {
            _ = Next(sample, 0, sample.Length);
        }
    }

    public static void Widen(byte[] bytes, int length, char[] chars) => Encoding.Latin1.GetChars(bytes, 0, length, chars, 0);

    /// <summary>First needle start in <c>chars[from..end)</c>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Next(char[] chars, int from, int end)
    {
        if (from >= end)
        {
            return -1;
        }
        int index = chars.AsSpan(from, end - from).IndexOfAny(_values);
        return index < 0 ? -1 : from + index;
    }

    /// <summary>
    /// Needle starts before <paramref name="split"/>, at most one per line (the search resumes after the newline that
    /// follows a hit). The reading thread runs this over the first part of a block while the searching thread does the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CollectHits(byte[] bytes, char[] chars, int length, int split, List<int> hits)
    {
        // A needle that starts before the split may end after it.
        int end = Math.Min(length, split + MaxNeedleLength - 1);
        int position = 0;
        while (position < split)
        {
            int hit = Next(chars, position, end);
            if (hit < 0 || hit >= split)
            {
                return;
            }
            hits.Add(hit);
            int newline = bytes.AsSpan(hit, length - hit).IndexOf((byte)'\n');
            if (newline < 0)
            {
                return;
            }
            position = hit + newline + 1;
        }
    }
}

/// <summary>
/// Block buffers for one input. Buffers come back after each block, so an input needs only as many as are in flight
/// (reading, queued, searching): memory is flat whatever the input size, and no array is allocated per block.
/// </summary>
internal sealed class BlockBufferPool<T>(int length)
{
    private readonly ConcurrentBag<T[]> _free = [];

    public T[] Rent() => _free.TryTake(out T[]? buffer) ? buffer : GC.AllocateUninitializedArray<T>(length);

    public void Return(T[]? buffer)
    {
        if (buffer is not null)
        {
            _free.Add(buffer);
        }
    }
}
