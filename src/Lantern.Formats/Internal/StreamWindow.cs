namespace Lantern.Formats.Internal;

/// <summary>Read-only, seekable view of a stream from <c>start</c> to its end; does not own the inner stream.</summary>
internal sealed class StreamWindow(Stream inner, long start) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length - start;

    public override long Position
    {
        get => inner.Position - start;
        set => inner.Position = checked(value + start);
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };
        if (target < 0)
        {
            throw new IOException("Seek before the start of the window.");
        }
        Position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
