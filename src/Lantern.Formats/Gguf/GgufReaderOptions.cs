namespace Lantern.Formats.Gguf;

/// <summary>
/// Limits for <see cref="GgufReader"/>. Every count, length and depth read from the file is checked
/// against these and against the bytes that remain before anything is allocated
/// (formats.md §2 hardening checklist, §9.7 parser CVEs).
/// </summary>
public sealed class GgufReaderOptions
{
    public static GgufReaderOptions Default { get; } = new();

    /// <summary>Most metadata KV pairs. Real models carry 20–60; 65,536 leaves room for anything honest.</summary>
    public ulong MaxKeyValues { get; init; } = 65_536;

    /// <summary>Most tensor infos. The largest MoE checkpoints hold a few tens of thousands per file.</summary>
    public ulong MaxTensors { get; init; } = 1 << 20;

    /// <summary>Longest key or tensor name: 65,535 bytes, the spec's key limit (gguf.md "Standardized key-value pairs").</summary>
    public int MaxStringBytes { get; init; } = 65_535;

    /// <summary>Longest string value. <c>tokenizer.huggingface.json</c> can be tens of MiB; larger is hostile.</summary>
    public ulong MaxValueStringBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How much of a string value is kept in <see cref="GgufKeyValue.Value"/>; the rest is skipped, its full length recorded.</summary>
    public int KeptStringBytes { get; init; } = 4096;

    /// <summary>String arrays up to this many elements are kept (<c>general.tags</c>, <c>general.languages</c>); longer ones are skipped.</summary>
    public int MaxKeptStringArrayElements { get; init; } = 64;

    /// <summary>Most elements in one array. Vocabularies reach ~260k tokens and merges a little more; 16 Mi is far above.</summary>
    public ulong MaxArrayElements { get; init; } = 16L * 1024 * 1024;

    /// <summary>Deepest array-of-array nesting (gguf-py's recursive reader fell over on deep nesting, formats.md §9.7).</summary>
    public int MaxArrayDepth { get; init; } = 8;

    /// <summary>Hard limit on n_dims; the spec's limit is 4 (GGML_MAX_DIMS) and more than 4 is reported as an issue.</summary>
    public int MaxTensorDims { get; init; } = 16;

    /// <summary>Longest chat template kept in full. Real templates are under 64 KiB; longer ones are kept truncated and flagged.</summary>
    public int MaxChatTemplateBytes { get; init; } = 1024 * 1024;

    /// <summary>Most bytes read before the tensor data section: the whole header must fit.</summary>
    public long MaxHeaderBytes { get; init; } = 512L * 1024 * 1024;
}
