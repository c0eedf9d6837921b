namespace Lantern.Formats.Sniffing;

/// <summary>Magic numbers from the identification table (formats.md §1) and the specs it cites.</summary>
internal static class SniffLayout
{
    public static ReadOnlySpan<byte> Gguf => "GGUF"u8;

    /// <summary>Pre-GGUF llama.cpp: u32 LE magic 'ggml' 0x67676d6c, 'ggmf' 0x67676d66, 'ggjt' 0x67676a74.</summary>
    public const uint GgmlUnversioned = 0x67676d6c;
    public const uint GgmlVersioned = 0x67676d66;
    public const uint GgjtVersioned = 0x67676a74;

    /// <summary>ZIP local file header; an empty archive starts with the EOCD instead.</summary>
    public static ReadOnlySpan<byte> ZipLocal => [0x50, 0x4B, 0x03, 0x04];
    public static ReadOnlySpan<byte> ZipEmpty => [0x50, 0x4B, 0x05, 0x06];

    /// <summary>Legacy torch.save: PROTO 2 then LONG1 of the magic 0x1950a86a20f9469cfc6c (15 bytes).</summary>
    public static ReadOnlySpan<byte> PyTorchLegacy => [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E];

    /// <summary>Member names of a PyTorch 0.1.1 tar (torch/serialization.py <c>_load</c> legacy tar path).</summary>
    public static readonly string[] PyTorchTarMembers = ["sys_info", "pickle", "storages", "tensors"];

    public static ReadOnlySpan<byte> Numpy => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    public static ReadOnlySpan<byte> Hdf5 => [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A];
    public static ReadOnlySpan<byte> SevenZip => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C];

    public static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B, 0x08];
    public static ReadOnlySpan<byte> Bzip2 => "BZh"u8;
    public static ReadOnlySpan<byte> Xz => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    public static ReadOnlySpan<byte> Zstd => [0x28, 0xB5, 0x2F, 0xFD];
    public static ReadOnlySpan<byte> Lz4Frame => [0x04, 0x22, 0x4D, 0x18];

    /// <summary>FlatBuffer file identifiers at bytes 4–7.</summary>
    public static ReadOnlySpan<byte> OrtIdentifier => "ORTM"u8;
    public static ReadOnlySpan<byte> TfLiteIdentifier => "TFL3"u8;

    /// <summary>ExecuTorch: "ET" + two digits (pytorch/executorch schema/program.fbs, currently ET12).</summary>
    public static ReadOnlySpan<byte> ExecuTorchPrefix => "ET"u8;

    /// <summary>Actually Portable Executable shell headers (jart/cosmopolitan ape/ape.S): PE flavour and no-PE flavour.</summary>
    public static ReadOnlySpan<byte> ApeMz => "MZqFpD='"u8;
    public static ReadOnlySpan<byte> ApeNoPe => "jartsr='"u8;

    /// <summary>safetensors header limit (huggingface/safetensors MAX_HEADER_SIZE).</summary>
    public const ulong SafetensorsMaxHeader = 100_000_000;

    /// <summary>ONNX IR versions seen in the wild (onnx/onnx.proto: IR_VERSION 3 = 2017 … 11/12 in 2025); 13 leaves a little room.</summary>
    public const int OnnxMinIrVersion = 3;
    public const int OnnxMaxIrVersion = 13;

    /// <summary>Core ML specificationVersion 1 (2017) … 9 (2024); 10 leaves a little room.</summary>
    public const int CoreMlMaxSpecVersion = 10;
}
