using System.Text;

namespace Lantern.Formats.Protobuf;

/// <summary>
/// Bounded reader for the protobuf wire format (protobuf.dev "Encoding"), over a seekable stream. It never
/// materialises a message: <see cref="Root"/> and <see cref="ProtobufMessage.ReadMessage"/> hand out windows
/// (start, end, depth) that share one 64 KiB read buffer, and skipping a field (a 2 GiB tensor's raw bytes)
/// is a position change. Every length is checked against the remaining bytes of the enclosing message
/// before it is used, varints stop at 10 bytes, groups are refused, and depth and field counts are bounded
/// by <see cref="ProtobufReaderOptions"/>. Callers walk nested messages with their own explicit stack.
/// Errors are <see cref="ModelFormatException"/> with a <see cref="ProtobufErrors"/> code and the offset.
/// </summary>
public sealed class ProtobufReader
{
    private const int BufferSize = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly long _base;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart;
    private int _bufferLength;

    /// <param name="stream">Seekable stream; the message starts at its current position.</param>
    /// <param name="length">Bytes that belong to the message, or -1 for "to the end of the stream".</param>
    public ProtobufReader(Stream stream, long length, ProtobufReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The protobuf reader needs a seekable stream (it skips payloads by seeking).", nameof(stream));
        }
        _stream = stream;
        _base = stream.Position;
        Length = length >= 0 ? length : Math.Max(0, stream.Length - _base);
        Options = options ?? ProtobufReaderOptions.Default;
    }

    /// <summary>Bytes in the root message.</summary>
    public long Length { get; }

    public ProtobufReaderOptions Options { get; }

    /// <summary>Tags decoded so far, across all windows.</summary>
    public long FieldsRead { get; private set; }

    /// <summary>The whole input as the top-level message (depth 0).</summary>
    public ProtobufMessage Root() => new(this, 0, Length, 0);

    internal void CountField(long offset)
    {
        FieldsRead++;
        if (FieldsRead > Options.MaxFields)
        {
            throw new ModelFormatException(ProtobufErrors.FieldLimit, offset, $"More than {Options.MaxFields} protobuf fields; reading stopped at byte {offset}.");
        }
    }

    internal byte ByteAt(long position)
    {
        if (position < _bufferStart || position >= _bufferStart + _bufferLength)
        {
            Fill(position);
        }
        return _buffer[position - _bufferStart];
    }

    internal void CopyTo(long position, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (position < _bufferStart || position >= _bufferStart + _bufferLength)
            {
                Fill(position);
            }
            int offset = (int)(position - _bufferStart);
            int n = Math.Min(destination.Length, _bufferLength - offset);
            _buffer.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            position += n;
        }
    }

    internal string DecodeUtf8(long position, int length)
    {
        byte[] bytes = new byte[length];
        CopyTo(position, bytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ModelFormatException(ProtobufErrors.InvalidUtf8, position, $"The string at byte {position} is not valid UTF-8 (protobuf strings must be).");
        }
    }

    internal static ModelFormatException Truncated(long offset) =>
        new(ProtobufErrors.Truncated, offset, $"The protobuf ends at byte {offset} inside a field.");

    private void Fill(long position)
    {
        if (position < 0 || position >= Length)
        {
            throw Truncated(position);
        }
        _stream.Position = checked(_base + position);
        int want = (int)Math.Min(BufferSize, Length - position);
        int got = 0;
        while (got < want)
        {
            int n = _stream.Read(_buffer, got, want - got);
            if (n <= 0)
            {
                break;
            }
            got += n;
        }
        _bufferStart = position;
        _bufferLength = got;
        if (got == 0)
        {
            // The stream is shorter than the length we were given.
            throw Truncated(position);
        }
    }
}
