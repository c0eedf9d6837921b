namespace Lantern.Formats.Safetensors;

/// <summary>Limits for <see cref="SafetensorsReader"/> (formats.md §3: "N &lt; file size and N &lt; ~100 MB").</summary>
public sealed class SafetensorsReaderOptions
{
    public static SafetensorsReaderOptions Default { get; } = new();

    /// <summary>Largest JSON header: the Rust crate's own 100,000,000-byte limit.</summary>
    public long MaxHeaderBytes { get; init; } = SafetensorsLayout.MaxHeaderBytes;

    /// <summary>Most tensor entries. The largest checkpoints hold tens of thousands per shard.</summary>
    public int MaxTensors { get; init; } = 1 << 20;

    /// <summary>Most dimensions per tensor; real tensors have at most 5 or 6.</summary>
    public int MaxDims { get; init; } = 16;

    /// <summary>JSON nesting allowed: the format needs 3 (root, tensor, shape); anything deeper is hostile.</summary>
    public int MaxJsonDepth { get; init; } = 8;

    /// <summary>Longest tensor name or metadata key, in UTF-16 chars after decoding.</summary>
    public int MaxNameLength { get; init; } = 65_535;

    /// <summary>Most <c>__metadata__</c> entries kept.</summary>
    public int MaxMetadataEntries { get; init; } = 4096;

    /// <summary>Longest metadata value kept; longer ones are truncated with an issue.</summary>
    public int MaxMetadataValueLength { get; init; } = 1024 * 1024;
}
