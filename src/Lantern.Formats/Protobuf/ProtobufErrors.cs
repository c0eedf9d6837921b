namespace Lantern.Formats.Protobuf;

/// <summary>Helpers for the error codes <see cref="ProtobufReader"/> throws with.</summary>
public static class ProtobufErrors
{
    public const string Truncated = "protobuf.truncated";
    public const string BadVarint = "protobuf.bad-varint";
    public const string BadTag = "protobuf.bad-tag";
    public const string Group = "protobuf.group";
    public const string LengthPastWindow = "protobuf.length-past-window";
    public const string InvalidUtf8 = "protobuf.invalid-utf8";
    public const string WrongWireType = "protobuf.wrong-wire-type";

    /// <summary>Codes starting with this prefix mean a limit was reached, not that the input is broken.</summary>
    public const string LimitPrefix = "protobuf.limit.";
    public const string DepthLimit = LimitPrefix + "depth";
    public const string FieldLimit = LimitPrefix + "fields";
    public const string InlineLimit = LimitPrefix + "inline-bytes";

    /// <summary>True when the exception reports a reader limit (the input may be fine, it was just not read completely).</summary>
    public static bool IsLimit(ModelFormatException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Code.StartsWith(LimitPrefix, StringComparison.Ordinal);
    }
}
