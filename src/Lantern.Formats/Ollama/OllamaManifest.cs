namespace Lantern.Formats.Ollama;

/// <summary>An Ollama manifest: Docker distribution manifest v2 (discovery.md §2.1).</summary>
public sealed record OllamaManifest
{
    public int SchemaVersion { get; init; }

    public string? MediaType { get; init; }

    /// <summary>The config blob layer (<c>application/vnd.docker.container.image.v1+json</c>), or null when absent.</summary>
    public OllamaLayer? Config { get; init; }

    public required IReadOnlyList<OllamaLayer> Layers { get; init; }
}

/// <summary>One layer: <c>application/vnd.ollama.image.model|template|license|…</c> and its blob.</summary>
public sealed record OllamaLayer
{
    public required string MediaType { get; init; }

    /// <summary>The digest as written (<c>sha256:&lt;hex&gt;</c>).</summary>
    public required string Digest { get; init; }

    /// <summary>Lowercase hex when <see cref="Digest"/> passes <see cref="OllamaDigest.TryParse"/>, else null: never build a path from an invalid digest.</summary>
    public string? DigestHex { get; init; }

    public long Size { get; init; }

    public string? From { get; init; }

    /// <summary>Tensor name for <c>application/vnd.ollama.image.tensor</c> layers.</summary>
    public string? Name { get; init; }
}
