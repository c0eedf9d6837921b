namespace Lantern.Formats.Gguf;

/// <summary>Everything in a GGUF file before the tensor data section.</summary>
public sealed record GgufHeader
{
    public uint Version { get; init; }

    /// <summary>True for a v3 file written big-endian (the version reads byte-swapped; there is no flag).</summary>
    public bool BigEndian { get; init; }

    public ulong TensorCount { get; init; }

    public ulong KeyValueCount { get; init; }

    public required IReadOnlyList<GgufKeyValue> KeyValues { get; init; }

    /// <summary>Every <c>tokenizer.chat_template</c> and <c>tokenizer.chat_template.&lt;name&gt;</c> string, in full up to the option's limit.</summary>
    public required IReadOnlyDictionary<string, string> ChatTemplates { get; init; }

    public required IReadOnlyList<GgufTensorInfo> Tensors { get; init; }

    /// <summary>Sum of the tensors' element counts (saturates at u64 max with an issue on overflow).</summary>
    public ulong ParameterCount { get; init; }

    /// <summary>Offset of the tensor data section (end of the tensor infos, rounded up to the alignment).</summary>
    public long DataOffset { get; init; }

    public uint Alignment { get; init; }

    /// <summary><c>general.file_type</c> as a llama_ftype name (<c>Q4_K_M</c>…), or null when absent or unknown.</summary>
    public string? FileTypeName { get; init; }

    public required IReadOnlyList<FormatIssue> Issues { get; init; }

    internal IReadOnlyDictionary<string, GgufKeyValue> ByKey { get; init; } = new Dictionary<string, GgufKeyValue>();

    public GgufKeyValue? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The (possibly truncated) string value of <paramref name="key"/>, or null when absent or not a string.</summary>
    public string? GetString(string key) => Find(key)?.AsString();

    /// <summary>The value of <paramref name="key"/> if it is any non-negative integer type.</summary>
    public ulong? GetUInt64(string key) => Find(key)?.AsUInt64();
}
