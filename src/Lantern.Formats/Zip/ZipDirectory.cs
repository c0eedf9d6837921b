namespace Lantern.Formats.Zip;

/// <summary>What <see cref="ZipReader"/> found: every member in both views, plus the tricks it noticed.</summary>
public sealed record ZipDirectory
{
    /// <summary>Central-directory members in directory order, then hidden members found between known records.</summary>
    public required IReadOnlyList<ZipEntry> Entries { get; init; }

    /// <summary>Disagreements and oddities (codes <c>zip.*</c>); none of them stops reading.</summary>
    public required IReadOnlyList<FormatIssue> Issues { get; init; }

    /// <summary>Absolute offset the archive's own offsets are relative to (non-zero for data prepended by concatenation).</summary>
    public required long ArchiveStart { get; init; }

    public required long EndOfCentralDirectoryOffset { get; init; }

    public required bool IsZip64 { get; init; }
}
