namespace Lantern.Discovery.Engine;

/// <summary>
/// A detector's statement about a file it understands from the runtime's own layout: which
/// runtime owns it, the name the runtime uses for it, and (where the runtime names blobs by
/// digest) the SHA-256 it should have.
/// </summary>
public sealed record ArtifactClaim
{
    public required string Path { get; init; }
    public required string Runtime { get; init; }
    public string? ModelName { get; init; }
    public string? Revision { get; init; }

    /// <summary>Lowercase hex SHA-256 taken from the blob's name; verified only with --verify-digests.</summary>
    public string? NamedSha256 { get; init; }

    /// <summary>A licence string or text the runtime keeps beside the weights, with where it came from.</summary>
    public string? LicenseRaw { get; init; }
    public string? LicenseSource { get; init; }

    /// <summary>Extra facts from the runtime's metadata (Ollama config, HF file name…).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>A cloud model: a pointer with no local weights. The path is the manifest.</summary>
    public bool Cloud { get; init; }

    /// <summary>The format the layout says the file has (e.g. a GGUF model layer), checked against content.</summary>
    public string? ExpectedFormat { get; init; }

    /// <summary>
    /// True when the layout itself says "this file is model weights" (an Ollama model layer): if the
    /// content is no model, that is a finding. False for naming-only claims (every file of an HF snapshot).
    /// </summary>
    public bool AssertsModel { get; init; }
}

/// <summary>
/// A directory that belongs to a runtime. Every model file found under it by content is owned by
/// that runtime; <see cref="NameOf"/> turns the path relative to the root into the runtime's model name.
/// </summary>
public sealed record ModelStore(string Root, string Runtime, Func<string, string?>? NameOf = null);
