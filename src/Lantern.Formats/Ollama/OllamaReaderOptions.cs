namespace Lantern.Formats.Ollama;

/// <summary>Limits for Ollama manifest and config readers.</summary>
public sealed class OllamaReaderOptions
{
    public static OllamaReaderOptions Default { get; } = new();

    /// <summary>
    /// Largest manifest or config blob. Real ones are a few KiB; safetensors-engine manifests list one layer per
    /// tensor (~200 bytes each), so 16 MiB covers ~80k tensors.
    /// </summary>
    public int MaxInputBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most layers in a manifest (one per tensor for the safetensors engine).</summary>
    public int MaxLayers { get; init; } = 100_000;

    /// <summary>JSON nesting: the formats need 3; more is hostile.</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>Longest string kept from a config field; longer values are truncated.</summary>
    public int MaxStringLength { get; init; } = 4096;

    /// <summary>Most elements kept from a list field (capabilities, model_families).</summary>
    public int MaxListElements { get; init; } = 256;
}
