using System.Globalization;

namespace Lantern.Formats.Gguf;

/// <summary>
/// One metadata pair. Scalars are kept (strings truncated to <see cref="GgufReaderOptions.KeptStringBytes"/>);
/// arrays are kept only as element type and count, except small string arrays.
/// </summary>
public sealed record GgufKeyValue
{
    public required string Key { get; init; }

    /// <summary>Offset of the key's length field.</summary>
    public long Offset { get; init; }

    public GgufValueType Type { get; init; }

    /// <summary>Boxed scalar (byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double), or null for arrays.</summary>
    public object? Value { get; init; }

    /// <summary>For strings: the full length in bytes as stored, even when <see cref="Value"/> is truncated.</summary>
    public ulong StringByteLength { get; init; }

    /// <summary>True when <see cref="Value"/> holds only a prefix of the stored string.</summary>
    public bool IsTruncated { get; init; }

    /// <summary>For arrays: the element type.</summary>
    public GgufValueType? ArrayElementType { get; init; }

    /// <summary>For arrays: the element count.</summary>
    public ulong ArrayCount { get; init; }

    /// <summary>For string arrays of at most <see cref="GgufReaderOptions.MaxKeptStringArrayElements"/> elements: the elements.</summary>
    public IReadOnlyList<string>? StringArray { get; init; }

    public string? AsString() => Value as string;

    /// <summary>Any non-negative integer type widened to u64; null for other types or negative values.</summary>
    public ulong? AsUInt64() => Value switch
    {
        byte v => v,
        ushort v => v,
        uint v => v,
        ulong v => v,
        sbyte v when v >= 0 => (ulong)v,
        short v when v >= 0 => (ulong)v,
        int v when v >= 0 => (ulong)v,
        long v when v >= 0 => (ulong)v,
        _ => null,
    };

    public double? AsDouble() => Value switch
    {
        float v => v,
        double v => v,
        _ => AsUInt64() is { } u ? u : null,
    };

    public bool? AsBool() => Value as bool?;

    public override string ToString() => Type switch
    {
        GgufValueType.Array => $"{Key} = [{ArrayElementType}; {ArrayCount}]",
        _ => $"{Key} = {Convert.ToString(Value, CultureInfo.InvariantCulture)}",
    };
}
