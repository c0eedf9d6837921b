namespace Lantern.Formats.Gguf;

/// <summary>GGUF metadata value types (u32 on disk; ggml-org/ggml <c>docs/gguf.md</c> "gguf_metadata_value_type").</summary>
// CA1720: the member names are the spec's own value type names (gguf.md), which is what readers search for.
#pragma warning disable CA1720
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}
#pragma warning restore CA1720
