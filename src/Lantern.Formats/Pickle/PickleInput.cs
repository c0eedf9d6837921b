using System.Buffers;

namespace Lantern.Formats.Pickle;

/// <summary>
/// Buffered forward reader for the decoder: one pooled 64 KiB buffer, absolute offsets, and skips that seek
/// (seekable streams) or read and discard (others) so payloads of any size cost no memory.
/// </summary>
internal sealed class PickleInput : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly long _limit;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public PickleInput(Stream stream, long limit)
    {
        _stream = stream;
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>True when no byte is left (reads ahead at most one buffer).</summary>
    public bool AtEnd
    {
        get
        {
            if (_end > _start)
            {
                return false;
            }
            Refill();
            return _end == _start;
        }
    }

    /// <summary>
    /// The buffered bytes the caller may decode in place (refilled when empty), cut at the byte limit so that every
    /// byte inside passes the limit check. Consume with <see cref="Advance"/>.
    /// </summary>
    public ReadOnlySpan<byte> Buffered
    {
        get
        {
            if (_end == _start)
            {
                Refill();
            }
            int available = _end - _start;
            long room = _limit - Position;
            return _buffer.AsSpan(_start, room < available ? (int)Math.Max(room, 0) : available);
        }
    }

    /// <summary>Consumes <paramref name="count"/> bytes of <see cref="Buffered"/>.</summary>
    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    /// <summary>The next byte, or -1 at the end of input.</summary>
    public int ReadByte()
    {
        if (_end == _start)
        {
            Refill();
            if (_end == _start)
            {
                return -1;
            }
        }
        CheckLimit(1);
        Position++;
        return _buffer[_start++];
    }

    /// <summary>A span over the next <paramref name="count"/> bytes (≤ 64 KiB); null-length span when the input ends first.</summary>
    public bool TryRead(int count, out ReadOnlySpan<byte> bytes)
    {
        if (_end - _start < count && !Fill(count))
        {
            bytes = default;
            return false;
        }
        CheckLimit(count);
        bytes = _buffer.AsSpan(_start, count);
        _start += count;
        Position += count;
        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false when the input ends first (Position is then at the end).</summary>
    public bool Skip(long count)
    {
        CheckLimit(count);
        long buffered = _end - _start;
        if (count <= buffered)
        {
            _start += (int)count;
            Position += count;
            return true;
        }
        Position += buffered;
        count -= buffered;
        _start = _end = 0;
        if (_stream.CanSeek)
        {
            long remaining = _stream.Length - _stream.Position;
            if (remaining < count)
            {
                _stream.Seek(0, SeekOrigin.End);
                Position += remaining;
                _eof = true;
                return false;
            }
            _stream.Seek(count, SeekOrigin.Current);
            Position += count;
            return true;
        }
        while (count > 0)
        {
            int n = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, count));
            if (n <= 0)
            {
                _eof = true;
                return false;
            }
            Position += n;
            count -= n;
        }
        return true;
    }

    /// <summary>
    /// Reads a line up to and including '\n'. When it fits in the buffer the span holds it (without the newline);
    /// otherwise the line is consumed and only its length is returned (<paramref name="line"/> empty, <paramref name="length"/> set).
    /// Returns false when the input ends before the newline or the line passes <paramref name="maxLength"/>.
    /// </summary>
    public bool TryReadLine(long maxLength, out ReadOnlySpan<byte> line, out long length, out bool tooLong)
    {
        tooLong = false;
        length = 0;
        line = default;
        int scanned = 0;
        while (true)
        {
            int nl = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                int lineLength = scanned + nl;
                CheckLimit(lineLength + 1);
                line = _buffer.AsSpan(_start, lineLength);
                length = lineLength;
                _start += lineLength + 1;
                Position += lineLength + 1;
                return true;
            }
            scanned = _end - _start;
            if (scanned > maxLength)
            {
                tooLong = true;
                return false;
            }
            if (scanned >= BufferSize)
            {
                return SkipLongLine(maxLength, out length, out tooLong);
            }
            if (!Fill(scanned + 1))
            {
                // Consume what is there so the error offset is the end of the input.
                Position += _end - _start;
                _start = _end;
                return false;
            }
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private bool SkipLongLine(long maxLength, out long length, out bool tooLong)
    {
        tooLong = false;
        length = 0;
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            int take = nl >= 0 ? nl : _end - _start;
            length = checked(length + take);
            if (length > maxLength)
            {
                tooLong = true;
                return false;
            }
            CheckLimit(nl >= 0 ? take + 1 : take);
            Position += nl >= 0 ? take + 1 : take;
            _start += nl >= 0 ? take + 1 : take;
            if (nl >= 0)
            {
                return true;
            }
            Refill();
            if (_end == _start)
            {
                return false;
            }
        }
    }

    private void CheckLimit(long count)
    {
        if (count > _limit - Position)
        {
            throw new PickleLimitException("pickle.byte-limit", Position, $"Decoding past {_limit} bytes.");
        }
    }

    private void Refill()
    {
        if (_eof)
        {
            return;
        }
        _start = _end = 0;
        int n = _stream.Read(_buffer, 0, _buffer.Length);
        if (n <= 0)
        {
            _eof = true;
            return;
        }
        _end = n;
    }

    /// <summary>Ensures <paramref name="count"/> bytes are buffered; false when the input ends first.</summary>
    private bool Fill(int count)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < count)
        {
            if (_eof)
            {
                return false;
            }
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n <= 0)
            {
                _eof = true;
                return false;
            }
            _end += n;
        }
        return true;
    }
}

/// <summary>Internal signal: a decoder bound was reached.</summary>
internal sealed class PickleLimitException(string code, long offset, string message) : Exception(message)
{
    public string Code { get; } = code;

    public long Offset { get; } = offset;
}

/// <summary>Internal signal: the input breaks the format (CPython would raise here).</summary>
internal sealed class PickleInvalidException(string code, long offset, string message) : Exception(message)
{
    public string Code { get; } = code;

    public long Offset { get; } = offset;
}
