using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>
/// Builds protobuf messages field by field (protobuf.dev "Encoding") so tests can write ONNX <c>ModelProto</c>
/// and TF <c>SavedModel</c> bytes without protoc. Also writes deliberately broken encodings (lying lengths,
/// groups, over-long varints) through <see cref="Raw"/> and <see cref="LengthDelimitedClaiming"/>.
/// </summary>
public sealed class ProtobufWriter
{
    private readonly List<byte> _bytes = [];

    public ProtobufWriter Varint(int field, ulong value)
    {
        Tag(field, 0);
        WriteVarint(value);
        return this;
    }

    public ProtobufWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public ProtobufWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public ProtobufWriter Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Bytes(int field, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    /// <summary>A nested message built by <paramref name="build"/>.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var inner = new ProtobufWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A length-delimited field whose length prefix claims <paramref name="claimed"/> bytes but holds <paramref name="value"/>.</summary>
    public ProtobufWriter LengthDelimitedClaiming(int field, ulong claimed, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tag(field, 2);
        WriteVarint(claimed);
        _bytes.AddRange(value);
        return this;
    }

    /// <summary>A bare tag with any wire type (3/4 make groups, 6/7 are invalid).</summary>
    public ProtobufWriter Tag(int field, int wireType)
    {
        WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);
        return this;
    }

    public ProtobufWriter Raw(params byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add(unchecked((byte)(value | 0x80)));
            value >>= 7;
        }
        _bytes.Add((byte)value);
    }
}
