namespace Lantern.Formats.Gguf;

/// <summary>
/// GGUF layout constants, all from ggml-org/ggml <c>docs/gguf.md</c> (Lantern reference formats.md §2)
/// unless a line says otherwise.
/// </summary>
internal static class GgufLayout
{
    /// <summary>"GGUF" at offset 0 (gguf.md "File Structure").</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>v1: u32 counts and string lengths; v2 widened them to u64; v3 added big-endian files.</summary>
    public const uint MinVersion = 1;
    public const uint MaxVersion = 3;

    /// <summary>Keys are at most 65,535 bytes (gguf.md "Standardized key-value pairs").</summary>
    public const int MaxKeyBytes = 65535;

    /// <summary>Tensor names are at most 64 bytes (gguf.md, GGML_MAX_NAME).</summary>
    public const int MaxTensorNameBytes = 64;

    /// <summary>n_dims ≤ 4 (GGML_MAX_DIMS).</summary>
    public const int MaxTensorDims = 4;

    /// <summary><c>general.alignment</c> default when the key is absent (gguf.md "GGUF_DEFAULT_ALIGNMENT").</summary>
    public const uint DefaultAlignment = 32;

    public const string AlignmentKey = "general.alignment";
    public const string FileTypeKey = "general.file_type";

    /// <summary>Chat templates: the default and named ones (ggml-org/llama.cpp <c>src/llama-arch.cpp</c>; formats.md §9.7).</summary>
    public const string ChatTemplateKey = "tokenizer.chat_template";
    public const string NamedChatTemplatePrefix = "tokenizer.chat_template.";

    /// <summary>Smallest encodings, used to prove a claimed count cannot fit in the bytes left.</summary>
    public const int MinKeyValueBytesV2 = 8 + 4 + 1;   // key length, value type, smallest value
    public const int MinKeyValueBytesV1 = 4 + 4 + 1;
    public const int MinTensorInfoBytesV2 = 8 + 4 + 4 + 8; // name length, n_dims, type, offset (n_dims = 0)
    public const int MinTensorInfoBytesV1 = 4 + 4 + 4 + 8;

    /// <summary>Fixed header: magic, version, tensor count, KV count (v1 counts are u32).</summary>
    public const int FixedHeaderBytesV2 = 4 + 4 + 8 + 8;

    /// <summary>Encoded size of a scalar of the given type, or 0 for string/array (variable).</summary>
    public static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };

    public static bool IsKnown(GgufValueType type) => (uint)type <= (uint)GgufValueType.Float64;

    /// <summary>
    /// llama_ftype names for <c>general.file_type</c> (ggml-org/llama.cpp <c>include/llama.h</c>);
    /// gaps are removed types.
    /// </summary>
    public static string? FileTypeName(ulong value) => value switch
    {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        36 => "TQ1_0",
        37 => "TQ2_0",
        38 => "MXFP4_MOE",
        _ => null,
    };
}
