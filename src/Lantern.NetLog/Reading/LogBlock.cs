using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace Lantern.NetLog.Reading;

/// <summary>What the reading thread hands to the searching thread, in input order.</summary>
internal sealed class LogBlock
{
    /// <summary>Pooled; whole lines only (the last block of an input may end without a newline). Null for markers.</summary>
    public byte[]? Buffer { get; init; }
    public int Length { get; init; }

    /// <summary>The block widened to chars (Latin-1), when there are needles.</summary>

    /// <summary>Needle hits the reading thread found before <see cref="SearchSplit"/>; the rest is searched by the consumer.</summary>
    public List<int>? Hits { get; init; }

    public int SearchSplit { get; init; }

    /// <summary>A marker: one line longer than MaxLineBytes was dropped here, without being buffered whole.</summary>
    public bool OverlongLine { get; init; }

    /// <summary>A marker: the input ended early for this reason (truncated gzip, read error).</summary>
    public string? Problem { get; init; }
}

/// <summary>
/// Reads (and decompresses) one input into blocks of whole lines on its own thread, so that decoding the next block
/// overlaps with searching the current one. At most <see cref="QueueDepth"/> blocks wait, so memory stays at a few
/// blocks whatever the input size.
/// </summary>
internal sealed class BlockProducer
{
    /// <summary>Two cores: one block being read, two waiting, one being searched (netlog.md: 2–4 blocks).</summary>
    public const int QueueDepth = 2;

    /// <summary>Block size; 1 MiB amortises per-block work and keeps read system calls large, while four blocks in flight (bytes and their widened chars) stay near 12 MB.</summary>
    public const int BlockBytes = 1 << 20;

    /// <summary>
    /// Share of each block the reading thread searches itself. Reading costs little next to the search, so splitting
    /// the search between both threads roughly balances them (measured in docs/netlog-formats.md).
    /// </summary>
    private const double ReaderSearchShare = 0.5;

    private readonly Stream _input;
    private readonly int _maxLineBytes;
    private readonly int _capacity;
    private readonly BlockingCollection<LogBlock> _queue;
    private readonly Action<long> _countBytes;
    private readonly NeedleSearch? _needles;

    // The reading thread's own widening window (NeedleSearch.WindowChars); the searching thread has another.
    private readonly char[]? _window;

    public BlockProducer(Stream input, int maxLineBytes, BlockingCollection<LogBlock> queue, Action<long> countBytes, NeedleSearch? needles)
    {
        _needles = needles;
        _input = input;
        _maxLineBytes = maxLineBytes;
        // A carried partial line is at most MaxLineBytes; at least half a block is always left for new data.
        _capacity = Math.Max(BlockBytes, checked(maxLineBytes + (BlockBytes / 2)));
        _queue = queue;
        _countBytes = countBytes;
        Bytes = new BlockBufferPool<byte>(_capacity);
        _window = needles?.NewWindow();
    }

    public BlockBufferPool<byte> Bytes { get; }


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(CancellationToken cancellation)
    {
        byte[] buffer = Bytes.Rent();
        int length = 0;
        bool skipping = false;
        try
        {
            while (true)
            {
                int read = Fill(buffer, length, out string? problem);
                length += read;
                bool end = read == 0 || problem is not null;
                if (skipping)
                {
                    // Inside an over-long line: drop bytes up to and including its newline.
                    int newline = buffer.AsSpan(0, length).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        length = 0;
                    }
                    else
                    {
                        buffer.AsSpan(newline + 1, length - newline - 1).CopyTo(buffer);
                        length -= newline + 1;
                        skipping = false;
                    }
                }
                if (!skipping)
                {
                    if (end)
                    {
                        // The searcher finds over-long lines inside a block itself, the unterminated last one included.
                        if (length > 0)
                        {
                            Send(ref buffer, length, 0, cancellation);
                        }
                    }
                    else
                    {
                        int lastNewline = buffer.AsSpan(0, length).LastIndexOf((byte)'\n');
                        int carry = length - lastNewline - 1;
                        if (carry > _maxLineBytes)
                        {
                            // Too long already: hand over the complete lines, mark the long one, and skip the rest of it.
                            if (lastNewline >= 0)
                            {
                                Send(ref buffer, lastNewline + 1, 0, cancellation);
                            }
                            _queue.Add(new LogBlock { OverlongLine = true }, cancellation);
                            skipping = true;
                            length = 0;
                        }
                        else if (lastNewline >= 0)
                        {
                            length = Send(ref buffer, lastNewline + 1, carry, cancellation);
                        }
                    }
                }
                if (problem is not null)
                {
                    _queue.Add(new LogBlock { Problem = problem }, cancellation);
                }
                if (end)
                {
                    break;
                }
            }
        }
        finally
        {
            Bytes.Return(buffer);
            _queue.CompleteAdding();
        }
    }

    /// <summary>Queues <paramref name="length"/> bytes and continues in a fresh buffer holding the <paramref name="carry"/> after them.</summary>
    private int Send(ref byte[] buffer, int length, int carry, CancellationToken cancellation)
    {
        byte[] next = Bytes.Rent();
        buffer.AsSpan(length, carry).CopyTo(next);
        byte[] full = buffer;
        buffer = next;
        LogBlock block;
        if (_needles is null)
        {
            block = new LogBlock { Buffer = full, Length = length };
        }
        else
        {
            int split = (int)(length * ReaderSearchShare);
            var hits = new List<int>();
            _needles.CollectHits(full, _window!, length, split, hits);
            block = new LogBlock { Buffer = full, Length = length, Hits = hits, SearchSplit = split };
        }
        _queue.Add(block, cancellation);
        return carry;
    }

    /// <summary>Reads until the buffer is full or the input ends; a decoder or I/O error ends the input with a reason.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Fill(byte[] buffer, int offset, out string? problem)
    {
        problem = null;
        int total = 0;
        try
        {
            while (offset + total < _capacity)
            {
                int n = _input.Read(buffer, offset + total, _capacity - offset - total);
                if (n == 0)
                {
                    break;
                }
                total += n;
                _countBytes(n);
            }
        }
        catch (Exception exception) when (InputDecompression.IsInputError(exception))
        {
            problem = exception.Message;
        }
        return total;
    }
}
