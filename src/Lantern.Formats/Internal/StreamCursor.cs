using System.Buffers.Binary;

namespace Lantern.Formats.Internal;

/// <summary>
/// Forward-only buffered reader over any <see cref="Stream"/> (seekable or not) that tracks the
/// absolute offset, refuses to read past a byte budget, and turns a short read into a
/// <see cref="ModelFormatException"/> with the offset where the data ran out.
/// Skips read through the buffer instead of seeking so a non-seekable stream behaves like a file
/// and the budget (not the claimed length) bounds the work.
/// </summary>
internal sealed class StreamCursor
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly string _truncatedCode;
    private readonly string _overBudgetCode;
    private readonly long _budget;
    private int _start;
    private int _end;
    private bool _eof;

    public StreamCursor(Stream stream, long budget, string truncatedCode, string overBudgetCode)
    {
        _stream = stream;
        _budget = budget;
        _truncatedCode = truncatedCode;
        _overBudgetCode = overBudgetCode;
    }

    /// <summary>Bytes consumed so far, relative to where the stream was when the cursor was made.</summary>
    public long Position { get; private set; }

    public bool BigEndian { get; set; }

    public byte ReadByte()
    {
        Ensure(1);
        byte b = _buffer[_start];
        Advance(1);
        return b;
    }

    public ushort ReadUInt16()
    {
        Ensure(2);
        ReadOnlySpan<byte> s = _buffer.AsSpan(_start, 2);
        ushort v = BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
        Advance(2);
        return v;
    }

    public uint ReadUInt32()
    {
        Ensure(4);
        ReadOnlySpan<byte> s = _buffer.AsSpan(_start, 4);
        uint v = BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        Advance(4);
        return v;
    }

    public ulong ReadUInt64()
    {
        Ensure(8);
        ReadOnlySpan<byte> s = _buffer.AsSpan(_start, 8);
        ulong v = BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
        Advance(8);
        return v;
    }

    /// <summary>Copies exactly <paramref name="destination"/>.Length bytes.</summary>
    public void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_end == _start)
            {
                Fill(1);
            }
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            Advance(n);
            destination = destination[n..];
        }
    }

    /// <summary>Returns a span over the next <paramref name="count"/> bytes (≤ 64 KiB) without copying; valid until the next call.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        Ensure(count);
        return _buffer.AsSpan(_start, count);
    }

    public void Skip(ulong count)
    {
        // The budget check first: a claimed length of 2^63 must fail here, not after reading to EOF.
        CheckBudget(count);
        while (count > 0)
        {
            if (_end == _start)
            {
                Fill(1);
            }
            int n = (int)Math.Min(count, (ulong)(_end - _start));
            Advance(n);
            count -= (ulong)n;
        }
    }

    /// <summary>Bytes left before the budget is spent.</summary>
    public long RemainingBudget => _budget - Position;

    public ModelFormatException Truncated() =>
        new(_truncatedCode, Position, $"Input ends at byte {Position} before the structure is complete.");

    private void Ensure(int count)
    {
        if (_end - _start < count)
        {
            Fill(count);
        }
    }

    private void CheckBudget(ulong count)
    {
        if (count > (ulong)RemainingBudget)
        {
            throw new ModelFormatException(_overBudgetCode, Position,
                $"Reading {count} more bytes at offset {Position} would pass the header limit of {_budget} bytes.");
        }
    }

    private void Fill(int count)
    {
        CheckBudget((ulong)count);
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
                throw Truncated();
            }
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0)
            {
                _eof = true;
                continue;
            }
            _end += read;
        }
    }

    private void Advance(int count)
    {
        _start += count;
        Position += count;
    }
}
