namespace Lantern.Formats.Zip;

/// <summary>
/// One member as both views of the archive describe it: the central directory (what Python's <c>zipfile</c>,
/// PyTorch's miniz reader and <c>ZipArchive</c> use for sizes and method) and the local header in front of the
/// data (what streaming readers use, and what decides where the data starts). All offsets are absolute in the
/// stream handed to <see cref="ZipReader.Read"/>.
/// </summary>
public sealed record ZipEntry
{
    /// <summary>Name from the central directory (or from the local header for a hidden entry).</summary>
    public required string Name { get; init; }

    /// <summary>Name in the local header, or null when the local header could not be read.</summary>
    public string? LocalName { get; init; }

    public required ushort Flags { get; init; }

    public ushort LocalFlags { get; init; }

    public required ushort Method { get; init; }

    public ushort LocalMethod { get; init; }

    public required uint Crc32 { get; init; }

    public required long CompressedSize { get; init; }

    public required long UncompressedSize { get; init; }

    public required long LocalHeaderOffset { get; init; }

    /// <summary>Where the member's (compressed) bytes start, or -1 when the local header is unreadable.</summary>
    public required long DataOffset { get; init; }

    /// <summary>True when a zip64 extra field supplied a size or offset.</summary>
    public bool IsZip64 { get; init; }

    /// <summary>False for a member found only by its local header (no central directory entry names it).</summary>
    public bool InCentralDirectory { get; init; } = true;

    public bool IsDirectory => Name.EndsWith('/') && UncompressedSize == 0;

    public bool IsEncrypted => (Flags & (ZipLayout.FlagEncrypted | ZipLayout.FlagStrongEncryption)) != 0
        || (LocalFlags & (ZipLayout.FlagEncrypted | ZipLayout.FlagStrongEncryption)) != 0;
}
