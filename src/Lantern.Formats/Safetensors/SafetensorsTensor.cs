namespace Lantern.Formats.Safetensors;

/// <summary>One tensor entry of the header; offsets are relative to the start of the byte buffer.</summary>
public sealed record SafetensorsTensor
{
    public required string Name { get; init; }

    public required string Dtype { get; init; }

    public required IReadOnlyList<ulong> Shape { get; init; }

    public ulong Begin { get; init; }

    public ulong End { get; init; }

    /// <summary>Product of the shape (1 for a scalar), or null when it overflows u64.</summary>
    public ulong? ElementCount { get; init; }
}
