namespace Lantern.Formats.Zip;

/// <summary>Bounds for <see cref="ZipReader"/>. Only headers are read; member data is never touched except by the gap scan.</summary>
public sealed class ZipReaderOptions
{
    public static ZipReaderOptions Default { get; } = new();

    /// <summary>Most central-directory entries (real model zips hold a few thousand; sharded checkpoints stay far below).</summary>
    public long MaxEntries { get; init; } = 100_000;

    /// <summary>Largest central directory (100k entries × ~100 bytes, with room).</summary>
    public long MaxCentralDirectoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes outside every known record scanned for hidden local headers and extra end records. A normal zip has
    /// no gaps; llamafile's executable prefix is tens of MiB. Past this the scan stops and an issue says so.
    /// </summary>
    public long MaxGapScanBytes { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>Most hidden local headers reported.</summary>
    public int MaxHiddenEntries { get; init; } = 1024;
}
