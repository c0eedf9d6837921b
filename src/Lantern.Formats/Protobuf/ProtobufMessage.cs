namespace Lantern.Formats.Protobuf;

/// <summary>
/// One message window of a <see cref="ProtobufReader"/>: iterate its fields with <see cref="Next"/>, read the
/// current value with the typed readers, or open it as a nested window with <see cref="ReadMessage"/>. A value
/// that is not read is skipped by the next <see cref="Next"/> without touching its bytes.
/// </summary>
public sealed class ProtobufMessage
{
    /// <summary>Largest field number (protobuf.dev "Field Numbers": 2^29 - 1).</summary>
    public const int MaxFieldNumber = (1 << 29) - 1;

    /// <summary>A varint is at most 10 bytes (64 bits, 7 per byte).</summary>
    private const int MaxVarintBytes = 10;

    private readonly ProtobufReader _reader;
    private long _position;
    private long _valueStart;
    private long _valueEnd;

    internal ProtobufMessage(ProtobufReader reader, long start, long end, int depth)
    {
        _reader = reader;
        Start = start;
        End = end;
        Depth = depth;
        _position = start;
        _valueEnd = start;
    }

    /// <summary>Offset of the message's first byte in the reader's input.</summary>
    public long Start { get; }

    /// <summary>Offset one past the message's last byte.</summary>
    public long End { get; }

    /// <summary>Nesting depth: 0 for the root.</summary>
    public int Depth { get; }

    public int FieldNumber { get; private set; }

    public ProtobufWireType WireType { get; private set; }

    /// <summary>Offset of the current field's tag.</summary>
    public long FieldOffset { get; private set; }

    /// <summary>Offset of the current field's value (after the length prefix for length-delimited fields).</summary>
    public long ValueOffset => _valueStart;

    /// <summary>Bytes of the current value (the payload length for length-delimited fields).</summary>
    public long ValueLength => _valueEnd - _valueStart;

    /// <summary>Moves to the next field; false at the end of the window.</summary>
    public bool Next()
    {
        _position = _valueEnd;
        if (_position >= End)
        {
            return false;
        }
        FieldOffset = _position;
        ulong tag = DecodeVarint(ref _position);
        if (tag > uint.MaxValue)
        {
            throw new ModelFormatException(ProtobufErrors.BadTag, FieldOffset, $"Tag at byte {FieldOffset} is wider than 32 bits.");
        }
        long fieldNumber = (long)(tag >> 3);
        if (fieldNumber is < 1 or > MaxFieldNumber)
        {
            throw new ModelFormatException(ProtobufErrors.BadTag, FieldOffset, $"Field number {fieldNumber} at byte {FieldOffset} is outside 1..{MaxFieldNumber}.");
        }
        _reader.CountField(FieldOffset);
        FieldNumber = (int)fieldNumber;
        WireType = (ProtobufWireType)(int)(tag & 7);
        _valueStart = _position;
        switch (WireType)
        {
            case ProtobufWireType.Varint:
                long cursor = _position;
                DecodeVarint(ref cursor);
                _valueEnd = cursor;
                break;
            case ProtobufWireType.Fixed64:
                _valueEnd = Fixed(8);
                break;
            case ProtobufWireType.Fixed32:
                _valueEnd = Fixed(4);
                break;
            case ProtobufWireType.LengthDelimited:
                ulong length = DecodeVarint(ref _position);
                // The length is checked against what is left of THIS window, not the file: a sub-message cannot reach past its parent.
                if (length > (ulong)(End - _position))
                {
                    throw new ModelFormatException(ProtobufErrors.LengthPastWindow, FieldOffset,
                        $"Field {FieldNumber} at byte {FieldOffset} claims {length} bytes; only {End - _position} remain in its message.");
                }
                _valueStart = _position;
                _valueEnd = _position + (long)length;
                break;
            case ProtobufWireType.StartGroup or ProtobufWireType.EndGroup:
                throw new ModelFormatException(ProtobufErrors.Group, FieldOffset, $"Field {FieldNumber} at byte {FieldOffset} is a group; groups are not used by the formats we read.");
            default:
                throw new ModelFormatException(ProtobufErrors.BadTag, FieldOffset, $"Field {FieldNumber} at byte {FieldOffset} has invalid wire type {(int)WireType}.");
        }
        return true;
    }

    public ulong ReadVarint()
    {
        Expect(ProtobufWireType.Varint);
        long cursor = _valueStart;
        return DecodeVarint(ref cursor);
    }

    /// <summary>int64/int32/enum fields: the varint reinterpreted as two's complement, as protobuf does.</summary>
    public long ReadInt64() => unchecked((long)ReadVarint());

    public uint ReadFixed32()
    {
        Expect(ProtobufWireType.Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        _reader.CopyTo(_valueStart, bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public ulong ReadFixed64()
    {
        Expect(ProtobufWireType.Fixed64);
        Span<byte> bytes = stackalloc byte[8];
        _reader.CopyTo(_valueStart, bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A UTF-8 string field of at most <paramref name="maxBytes"/> (and the reader's inline limit).</summary>
    public string ReadString(int maxBytes)
    {
        int length = InlineLength(maxBytes);
        return _reader.DecodeUtf8(_valueStart, length);
    }

    /// <summary>A bytes field of at most <paramref name="maxBytes"/> (and the reader's inline limit).</summary>
    public byte[] ReadBytes(int maxBytes)
    {
        int length = InlineLength(maxBytes);
        byte[] bytes = new byte[length];
        _reader.CopyTo(_valueStart, bytes);
        return bytes;
    }

    /// <summary>Opens the current length-delimited field as a nested message one level deeper.</summary>
    public ProtobufMessage ReadMessage()
    {
        Expect(ProtobufWireType.LengthDelimited);
        if (Depth + 1 > _reader.Options.MaxDepth)
        {
            throw new ModelFormatException(ProtobufErrors.DepthLimit, FieldOffset, $"Messages nest deeper than {_reader.Options.MaxDepth} at byte {FieldOffset}.");
        }
        return new ProtobufMessage(_reader, _valueStart, _valueEnd, Depth + 1);
    }

    private int InlineLength(int maxBytes)
    {
        Expect(ProtobufWireType.LengthDelimited);
        long length = _valueEnd - _valueStart;
        int limit = Math.Min(maxBytes, _reader.Options.MaxInlineBytes);
        if (length > limit)
        {
            throw new ModelFormatException(ProtobufErrors.InlineLimit, FieldOffset, $"Field {FieldNumber} at byte {FieldOffset} holds {length} bytes, over the {limit}-byte limit for values read into memory.");
        }
        return (int)length;
    }

    private long Fixed(int size)
    {
        if (End - _position < size)
        {
            throw ProtobufReader.Truncated(End);
        }
        return _position + size;
    }

    private void Expect(ProtobufWireType wireType)
    {
        if (WireType != wireType)
        {
            throw new ModelFormatException(ProtobufErrors.WrongWireType, FieldOffset, $"Field {FieldNumber} at byte {FieldOffset} has wire type {WireType}; {wireType} was expected.");
        }
    }

    private ulong DecodeVarint(ref long position)
    {
        ulong value = 0;
        for (int i = 0; i < MaxVarintBytes; i++)
        {
            if (position >= End)
            {
                throw ProtobufReader.Truncated(position);
            }
            byte b = _reader.ByteAt(position);
            position++;
            if (i == MaxVarintBytes - 1 && b > 1)
            {
                throw new ModelFormatException(ProtobufErrors.BadVarint, position - 1, $"Varint ending at byte {position - 1} overflows 64 bits.");
            }
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new ModelFormatException(ProtobufErrors.BadVarint, position, $"Varint at byte {position - MaxVarintBytes} is longer than {MaxVarintBytes} bytes.");
    }
}
