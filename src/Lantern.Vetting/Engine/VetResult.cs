namespace Lantern.Vetting.Engine;

/// <summary>The judgement of one file (or one archive member, in <see cref="Members"/>).</summary>
public sealed record VetResult
{
    public required string Path { get; init; }

    /// <summary>Format report id from content sniffing (<c>pickle</c>, <c>pytorch-zip</c>, <c>gguf</c>…).</summary>
    public required string Format { get; init; }

    public required Verdict Verdict { get; init; }

    public IReadOnlyList<VetFinding> Findings { get; init; } = [];

    /// <summary>Per-member results for archives (zip, tar, npz, 7z), each with its member path.</summary>
    public IReadOnlyList<VetResult> Members { get; init; } = [];

    /// <summary>SHA-256 of the file when it was computed (the verdict cache key).</summary>
    public string? Sha256 { get; init; }

    /// <summary>Framework profile the allowlist came from (<c>pytorch</c>, <c>numpy</c>, <c>sklearn</c>…).</summary>
    public string? Profile { get; init; }
}
