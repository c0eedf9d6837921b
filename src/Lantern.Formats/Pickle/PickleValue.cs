namespace Lantern.Formats.Pickle;

/// <summary>What one symbolic stack or memo slot holds.</summary>
internal enum ValueKind : byte
{
    NoneValue,
    Boolean,
    Integer,
    FloatNumber,
    Text,
    LongText,
    Bytes,
    ByteArray,
    Tuple,
    List,
    Dict,
    Set,
    FrozenSet,
    Global,
    CallResult,
    Persistent,
    Extension,
    Buffer,
}

/// <summary>
/// A symbolic value: its kind, a number (an int's value, a string's or container's length) and a reference
/// (the text of a short string, the <see cref="PickleSymbol"/> of a global or call result, the items of a small
/// tuple, the <see cref="DictShape"/> of a dict). A struct so pushing and popping allocates nothing.
/// </summary>
internal readonly record struct PickleValue(ValueKind Kind, long Number, object? Ref)
{
    public static readonly PickleValue None = new(ValueKind.NoneValue, 0, null);

    public string? Text => Kind == ValueKind.Text ? (string?)Ref : null;

    public PickleSymbol? Symbol => Ref as PickleSymbol;

    public bool IsObject => Kind is ValueKind.Global or ValueKind.CallResult or ValueKind.Persistent or ValueKind.Extension or ValueKind.Buffer;
}

/// <summary>What the judge needs of a dict: how many items, and whether a key looked like a dunder attribute.</summary>
internal sealed class DictShape
{
    public long Count { get; set; }

    public bool HasDunderKey { get; set; }

    public bool HasObjectValue { get; set; }

    /// <summary>
    /// Values of the keys a joblib <c>NumpyArrayWrapper</c> state needs (shape, dtype, order…), kept only when
    /// <see cref="PickleDecoderOptions.JoblibArrays"/> is on; other keys are never stored.
    /// </summary>
    public Dictionary<string, PickleValue>? Entries { get; set; }
}
