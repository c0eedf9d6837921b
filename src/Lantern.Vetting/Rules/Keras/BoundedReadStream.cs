namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Seekable read-only view that throws once more than a byte budget has been read through it. Lets a
/// third-party reader (PureHDF) walk metadata while a crafted file cannot make it read gigabytes.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long budget) : Stream
{
    private readonly long _start = inner.Position;
    private long _read;

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
        int n = inner.Read(buffer);
        _read += n;
        if (_read > budget)
        {
            throw new LimitException();
        }
        return n;
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
