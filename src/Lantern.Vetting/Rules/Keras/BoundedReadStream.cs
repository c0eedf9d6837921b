namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Seekable read-only view that throws once more than a byte budget has been read through it. Lets a
/// third-party reader (PureHDF) walk metadata while a crafted file cannot make it read gigabytes. With a
/// <see cref="GlobalHeapGuard"/>, every byte served is scanned for a global heap collection signature and the collection
/// is checked before the bytes reach the reader (so before it can allocate by a declared size).
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long budget, GlobalHeapGuard? guard = null) : Stream
{
    private readonly long _start = inner.Position;
    private long _read;

    // The last bytes served and where they end, so a signature split across two contiguous reads is still seen.
    private readonly byte[] _tail = new byte[3];
    private int _tailLength;
    private long _tailEnd = -1;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length - _start;

    public override long Position
    {
        get => inner.Position - _start;
        set => inner.Position = checked(value + _start);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long position = Position;
        int n = inner.Read(buffer);
        _read += n;
        if (_read > budget)
        {
            throw new LimitException();
        }
        if (guard is not null && n > 0)
        {
            Scan(position, buffer[..n]);
            inner.Position = checked(_start + position + n);
        }
        return n;
    }

    private void Scan(long position, ReadOnlySpan<byte> served)
    {
        ReadOnlySpan<byte> signature = GlobalHeapGuard.Signature;
        int carried = _tailEnd == position ? _tailLength : 0;
        // Signatures that start in the bytes carried from earlier contiguous reads and end in this one.
        Span<byte> joined = stackalloc byte[6];
        _tail.AsSpan(0, carried).CopyTo(joined);
        int take = Math.Min(served.Length, 3);
        served[..take].CopyTo(joined[carried..]);
        ReadOnlySpan<byte> window = joined[..(carried + take)];
        for (int i = 0; i < carried && i + signature.Length <= window.Length; i++)
        {
            if (window.Slice(i, signature.Length).SequenceEqual(signature))
            {
                guard!.Check(position - carried + i);
            }
        }
        int from = 0;
        while (from <= served.Length - signature.Length)
        {
            int hit = served[from..].IndexOf(signature);
            if (hit < 0)
            {
                break;
            }
            guard!.Check(position + from + hit);
            from += hit + 1;
        }
        // Keep the last three bytes of everything served contiguously so far.
        Span<byte> all = stackalloc byte[6];
        _tail.AsSpan(0, carried).CopyTo(all);
        int last = Math.Min(served.Length, 3);
        served[^last..].CopyTo(all[carried..]);
        int total = carried + last;
        _tailLength = Math.Min(total, _tail.Length);
        all.Slice(total - _tailLength, _tailLength).CopyTo(_tail);
        _tailEnd = position + served.Length;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };
        Position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The budget was spent.</summary>
    internal sealed class LimitException : IOException
    {
        public LimitException()
            : base("Read budget exceeded.")
        {
        }

        public LimitException(string message)
            : base(message)
        {
        }

        public LimitException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
