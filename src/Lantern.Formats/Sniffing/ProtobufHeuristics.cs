namespace Lantern.Formats.Sniffing;

/// <summary>
/// ONNX <c>ModelProto</c> and Core ML <c>Model</c> are protobufs with no magic (formats.md §1, §7). Both start
/// with field 1 as a varint (tag 0x08): ONNX <c>ir_version</c>, Core ML <c>specificationVersion</c>.
/// <para>ONNX is accepted when ir_version is 3–13 and the next field is one ModelProto has: a string field
/// (2 producer_name, 3 producer_version, 4 domain, 6 doc_string) whose one-byte length is followed by
/// printable ASCII, or 5 model_version (varint), 7 graph, 8 opset_import, 14 metadata_props (length-delimited).
/// Core ML is accepted when specificationVersion is 1–10 and field 2 (description, a message) follows with
/// a message tag (0x0A/0x12/0x1A/0x22) right after its length.</para>
/// <para>False-positive risk: any binary file whose first bytes happen to be <c>08 03..0D</c> and a valid tag.
/// Text cannot match (0x08 is a control character); other protobufs can (e.g. a TF <c>GraphDef</c> does not:
/// its field 1 is a message). The second stage (a streamed protobuf walk) must confirm before vetting relies on it.</para>
/// </summary>
internal static class ProtobufHeuristics
{
    private const byte Field1Varint = 0x08;

    public static ModelFormatId Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != Field1Varint || head[1] >= 0x80)
        {
            return ModelFormatId.Unknown;
        }
        int version = head[1];
        if (version is >= SniffLayout.OnnxMinIrVersion and <= SniffLayout.OnnxMaxIrVersion && IsOnnxSecondField(head[2..]))
        {
            return ModelFormatId.Onnx;
        }
        if (version is >= 1 and <= SniffLayout.CoreMlMaxSpecVersion && IsCoreMlDescription(head[2..]))
        {
            return ModelFormatId.CoreMl;
        }
        return ModelFormatId.Unknown;
    }

    private static bool IsOnnxSecondField(ReadOnlySpan<byte> rest)
    {
        switch (rest[0])
        {
            case 0x12 or 0x1A or 0x22 or 0x32:
                int length = rest[1];
                if (length is 0 or >= 0x80)
                {
                    return false;
                }
                ReadOnlySpan<byte> text = rest[2..];
                text = text[..Math.Min(text.Length, length)];
                foreach (byte b in text)
                {
                    if (b is < 0x20 or > 0x7E)
                    {
                        return false;
                    }
                }
                return true;
            case 0x28:
                return true;
            case 0x3A or 0x42 or 0x72:
                return rest[1] != 0;
            default:
                return false;
        }
    }

    private static bool IsCoreMlDescription(ReadOnlySpan<byte> rest)
    {
        if (rest[0] != 0x12)
        {
            return false;
        }
        int i = 1;
        while (i < rest.Length && i < 6 && (rest[i] & 0x80) != 0)
        {
            i++;
        }
        i++;
        return i < rest.Length && rest[i] is 0x0A or 0x12 or 0x1A or 0x22;
    }
}
