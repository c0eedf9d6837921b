namespace Lantern.Core.Model;

/// <summary>One model file on disk (or a cloud pointer with no local weights).</summary>
public sealed record ModelArtifact
{
    public required string Path { get; init; }

    /// <summary>Format id from content sniffing: <c>gguf</c>, <c>safetensors</c>, <c>pytorch-zip</c>…</summary>
    public required string Format { get; init; }
    public long SizeBytes { get; init; }

    /// <summary>Lowercase hex SHA-256, or null with <c>--no-hash</c> or when it could not be computed.</summary>
    public string? Sha256 { get; init; }

    /// <summary>How <see cref="Sha256"/> was obtained: <c>computed</c>, <c>cache</c>, <c>runtime-name</c>, <c>verified</c>.</summary>
    public string? DigestSource { get; init; }

    /// <summary>Detector id of the runtime that owns the file, or null for a stray file.</summary>
    public string? Runtime { get; init; }

    /// <summary>The name the runtime uses: <c>llama3.2:1b</c>, <c>org/name</c>, <c>publisher/model</c>.</summary>
    public string? ModelName { get; init; }

    /// <summary>Hub revision (commit) for Hugging Face snapshots.</summary>
    public string? Revision { get; init; }

    /// <summary>Other names the same bytes are known by (Ollama tags sharing a blob, HF snapshots).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public ModelLicense? License { get; init; }

    /// <summary>Header metadata, flattened to strings: <c>general.architecture</c>, <c>dtype</c>, <c>parameterCount</c>…</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True for an Ollama cloud model: a manifest with a remote host and no weights here.</summary>
    public bool Cloud { get; init; }

    /// <summary>Vetting verdict, once vetting runs in the scan; null until then.</summary>
    public string? Verdict { get; init; }
}

/// <summary>A licence as found, and as normalised.</summary>
public sealed record ModelLicense
{
    /// <summary>SPDX id or hub model-licence id (<c>apache-2.0</c>, <c>llama3.1</c>), or <c>unknown</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the file said, truncated.</summary>
    public string? Raw { get; init; }

    /// <summary>Where it was read: <c>gguf:general.license</c>, <c>ollama:license-layer</c>, <c>hf:readme</c>, <c>file:LICENSE</c>.</summary>
    public required string Source { get; init; }

    /// <summary>SHA-256 of the licence text when the source was a text.</summary>
    public string? TextSha256 { get; init; }
}
