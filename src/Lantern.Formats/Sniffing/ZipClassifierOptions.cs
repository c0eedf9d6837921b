namespace Lantern.Formats.Sniffing;

/// <summary>Limits for <see cref="ZipModelClassifier"/>; only the central directory and a few member heads are read.</summary>
public sealed class ZipClassifierOptions
{
    public static ZipClassifierOptions Default { get; } = new();

    /// <summary>Most central-directory entries; checked from the end record before the directory is read. Real model zips hold a few thousand.</summary>
    public long MaxEntries { get; init; } = 100_000;

    /// <summary>Largest central directory, checked from the end record (100k entries × ~100 bytes, with room).</summary>
    public long MaxCentralDirectoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most members whose first 4 bytes are read to look for GGUF (llamafile).</summary>
    public int MaxProbedMembers { get; init; } = 4;
}
