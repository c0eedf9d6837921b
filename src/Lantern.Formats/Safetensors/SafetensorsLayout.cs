namespace Lantern.Formats.Safetensors;

/// <summary>
/// safetensors layout constants (huggingface/safetensors README "Format" and <c>safetensors/src/tensor.rs</c>;
/// formats.md §3).
/// </summary>
internal static class SafetensorsLayout
{
    /// <summary>u64 little-endian header length N at offset 0; the JSON header starts at 8.</summary>
    public const int LengthPrefixBytes = 8;

    /// <summary>The Rust crate refuses headers over 100,000,000 bytes (<c>MAX_HEADER_SIZE</c>).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";
    public const string DtypeField = "dtype";
    public const string ShapeField = "shape";
    public const string OffsetsField = "data_offsets";

    /// <summary>
    /// Bits per element for each dtype of <c>Dtype</c> in tensor.rs (sub-byte F4/F6 included, as the crate
    /// computes sizes in bits); unknown names are an issue.
    /// </summary>
    public static int BitsPerElement(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
        "F4" => 4,
        "F6_E2M3" or "F6_E3M2" => 6,
        "I16" or "U16" or "F16" or "BF16" => 16,
        "I32" or "U32" or "F32" => 32,
        "I64" or "U64" or "F64" or "C64" => 64,
        _ => 0,
    };
}
