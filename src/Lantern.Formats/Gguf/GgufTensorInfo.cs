namespace Lantern.Formats.Gguf;

/// <summary>One tensor info entry. Nothing of the tensor's data is read.</summary>
public sealed record GgufTensorInfo
{
    public required string Name { get; init; }

    public required IReadOnlyList<ulong> Dimensions { get; init; }

    /// <summary>Raw ggml type id as stored.</summary>
    public uint TypeId { get; init; }

    /// <summary>The type's geometry, or null for unknown or removed ids (an issue).</summary>
    public GgmlType? Type { get; init; }

    /// <summary>Offset relative to the start of the data section (<see cref="GgufHeader.DataOffset"/>).</summary>
    public ulong Offset { get; init; }

    /// <summary>Product of the dimensions, or null when it overflows u64.</summary>
    public ulong? ElementCount { get; init; }

    /// <summary>Bytes the tensor occupies, or null when the type is unknown, the shape does not fit the block, or it overflows.</summary>
    public ulong? ByteSize { get; init; }

    /// <summary>Offset of this entry in the header (its name length field).</summary>
    public long InfoOffset { get; init; }
}
