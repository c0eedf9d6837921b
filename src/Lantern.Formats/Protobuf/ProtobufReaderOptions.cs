namespace Lantern.Formats.Protobuf;

/// <summary>
/// Bounds for <see cref="ProtobufReader"/>. Protobuf itself has none worth trusting: the reference C++
/// parser stops at 100 nested messages (<c>io::CodedInputStream</c> default recursion limit) and 2 GiB per
/// message; ONNX and TF model files routinely pass 2 GiB only through external data, so the window
/// (not a 2 GiB cap) bounds lengths here and every count has an explicit ceiling.
/// </summary>
public sealed record ProtobufReaderOptions
{
    public static ProtobufReaderOptions Default { get; } = new();

    /// <summary>Nested messages below the root. 100 is protobuf's own default recursion limit.</summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Fields read across the whole input (tags decoded). Real ONNX/TF graphs stay far below 10 M.</summary>
    public long MaxFields { get; init; } = 50_000_000;

    /// <summary>Bytes one string or bytes value may be read into memory; larger values must be skipped.</summary>
    public int MaxInlineBytes { get; init; } = 16 * 1024 * 1024;
}
