namespace Lantern.Formats.Protobuf;

/// <summary>
/// Wire types (protobuf encoding spec, "Message Structure"): the low three bits of every tag.
/// Groups (3, 4) are deprecated proto2 syntax that none of the model formats we read uses; the reader rejects them.
/// </summary>
public enum ProtobufWireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}
