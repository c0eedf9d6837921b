using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lantern.NetLog.Reading;

/// <summary>
/// The prefilter: ASCII case-insensitive multi-needle search over a whole block. Bytes are widened to chars with
/// Latin-1 (one byte → one char, so offsets stay byte offsets) and searched with a vectorised
/// <see cref="SearchValues{T}"/> of strings. Widening happens in windows of <see cref="WindowChars"/> into one small
/// buffer per searching thread, so the chars never cost more than a few hundred KiB, whatever the block size. A needle that contains another needle is dropped: every line it would
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

    /// <summary>Chars widened and searched at a time: large enough for the vectorised search to run at full speed.</summary>
    public const int WindowChars = 64 * 1024;

    /// <summary>A window buffer for one searching thread.</summary>
    public char[] NewWindow() => new char[WindowChars + MaxNeedleLength];

    /// <summary>
    /// The vectorised search is JIT-compiled at run time (its AVX2 code is not in the ReadyToRun image) and starts at
    /// tier 0, which is many times slower; tiering promotes a method after 30 calls. Thirty-odd calls on a small buffer
    /// now let the background compiler produce the fast code before the first big block arrives (measured: the
    /// prefilter ran at about half speed for the first seconds without this).
    /// </summary>
    private void WarmUp()
    {
        byte[] sample = new byte[4096];
        sample.AsSpan().Fill((byte)'a');
        char[] window = NewWindow();
        for (int i = 0; i < 64; i++)
        {
            _ = Next(sample, 0, sample.Length, window);
        }
    }

    /// <summary>
    /// First needle start in <c>bytes[from..end)</c>, or -1. Each window is widened with the next
    /// <c>MaxNeedleLength - 1</c> bytes as well, so a needle across a window edge is found; a match that starts in that
    /// overlap belongs to the next window, which finds it again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Next(byte[] bytes, int from, int end, char[] window)
    {
        int position = from;
        while (position < end)
        {
            int take = Math.Min(WindowChars, end - position);
            int widened = Math.Min(take + MaxNeedleLength - 1, end - position);
            Encoding.Latin1.GetChars(bytes, position, widened, window, 0);
            int index = window.AsSpan(0, widened).IndexOfAny(_values);
            if (index >= 0 && index < take)
            {
                return position + index;
            }
            position += take;
        }
        return -1;
    }

    /// <summary>
    /// Needle starts before <paramref name="split"/>, at most one per line (the search resumes after the newline that
    /// follows a hit). The reading thread runs this over the first part of a block while the searching thread does the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CollectHits(byte[] bytes, char[] window, int length, int split, List<int> hits)
    {
        // A needle that starts before the split may end after it.
        int end = Math.Min(length, split + MaxNeedleLength - 1);
        int position = 0;
        while (position < split)
        {
            int hit = Next(bytes, position, end, window);
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
